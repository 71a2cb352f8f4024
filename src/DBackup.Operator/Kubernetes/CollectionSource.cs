namespace DBackup.Operator.Kubernetes;

/// <summary>
/// What one <c>kubernetes</c> source (component) of a policy collects. Mirrors the policy's
/// <c>sources[]</c> entry; the operator maps the CRD type to this, and tests build it directly.
/// </summary>
public sealed record CollectionSource
{
    /// <summary>Component name: the first folder of every object in the archive.</summary>
    public required string Component { get; init; }

    /// <summary>Resource names: plural (<c>configmaps</c>) or <c>plural.group</c>.</summary>
    public required IReadOnlyList<string> Resources { get; init; }

    /// <summary>Namespaces to read; empty means all namespaces (subject to <see cref="NamespaceSelector"/>).</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Label selector on namespaces, e.g. <c>team=payments</c>; null for none.</summary>
    public string? NamespaceSelector { get; init; }

    /// <summary>Label selector on objects; null for none.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Resource names to leave out even if listed or matched.</summary>
    public IReadOnlyList<string> ExcludeResources { get; init; } = [];

    /// <summary>
    /// Whether cluster-scoped resources may be read. Only policies in the operator's admin namespaces
    /// get this; for everyone else a cluster-scoped resource is refused, not silently skipped.
    /// </summary>
    public bool AllowClusterScoped { get; init; } = true;

    /// <summary>Whether objects owned by a controller (an ownerReference with <c>controller: true</c>) are kept; they are recreated by their owner, so by default they are not.</summary>
    public bool IncludeControllerOwned { get; init; }
}
