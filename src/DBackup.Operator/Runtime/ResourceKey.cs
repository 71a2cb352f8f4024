namespace DBackup.Operator.Runtime;

/// <summary>
/// Identifies one object of a kind: what the work queue holds instead of the object itself, so a
/// worker always reconciles the latest cached state (controller-runtime's <c>NamespacedName</c>).
/// </summary>
/// <param name="Namespace">The object's namespace.</param>
/// <param name="Name">The object's name.</param>
public readonly record struct ResourceKey(string Namespace, string Name)
{
    /// <summary>The key of an object, from its metadata.</summary>
    /// <param name="metadata">Metadata with name and namespace.</param>
    public static ResourceKey Of(k8s.Models.V1ObjectMeta metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new ResourceKey(metadata.NamespaceProperty ?? string.Empty, metadata.Name ?? string.Empty);
    }

    /// <summary><c>namespace/name</c>.</summary>
    public override string ToString() => $"{Namespace}/{Name}";
}
