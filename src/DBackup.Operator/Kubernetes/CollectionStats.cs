namespace DBackup.Operator.Kubernetes;

/// <summary>What a collection read and left out, for status, events and logs (names only, never values).</summary>
public sealed class CollectionStats
{
    private readonly Dictionary<string, int> _collected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _skipped = new(StringComparer.Ordinal);

    /// <summary>Objects kept, per qualified resource name.</summary>
    public IReadOnlyDictionary<string, int> CollectedByResource => _collected;

    /// <summary>Objects left out, per reason.</summary>
    public IReadOnlyDictionary<string, int> SkippedByReason => _skipped;

    /// <summary>Secrets whose values were replaced by the placeholder.</summary>
    public int Redacted { get; internal set; }

    /// <summary>Total objects kept.</summary>
    public int Total => _collected.Values.Sum();

    internal void Collected(ApiResource resource) =>
        _collected[resource.QualifiedName] = _collected.GetValueOrDefault(resource.QualifiedName) + 1;

    internal void Skipped(ApiResource resource, string reason) =>
        _skipped[$"{resource.QualifiedName}: {reason}"] = _skipped.GetValueOrDefault($"{resource.QualifiedName}: {reason}") + 1;
}
