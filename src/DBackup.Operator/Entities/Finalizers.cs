namespace DBackup.Operator.Entities;

/// <summary>Finalizer names the operator puts on its objects (CNPG's pkg/utils/finalizers.go).</summary>
public static class Finalizers
{
    /// <summary>
    /// Keeps an object until the operator has cleaned up after it (the controller loop adds it before the
    /// first reconcile and removes it only after the reconciler's cleanup succeeded).
    /// </summary>
    public const string Cleanup = ApiGroup.Group + "/cleanup";
}
