namespace DBackup.Operator.Entities;

/// <summary>Finalizer names the operator puts on its objects (CNPG's pkg/utils/finalizers.go).</summary>
public static class Finalizers
{
    /// <summary>
    /// Keeps an object until the operator has cleaned up after it. Only reconcilers with real cleanup use it (see
    /// <c>IReconciler.Finalizer</c>); earlier versions put it on every object, and the controller loop now removes it
    /// wherever it is not needed.
    /// </summary>
    public const string Cleanup = ApiGroup.Group + "/cleanup";
}
