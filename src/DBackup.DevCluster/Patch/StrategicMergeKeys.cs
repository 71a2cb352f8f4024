namespace DBackup.DevCluster.Patch;

/// <summary>How strategic merge treats one list field (Go's <c>patchStrategy</c>/<c>patchMergeKey</c> tags).</summary>
/// <param name="MergeKey">Field identifying list items (e.g. <c>name</c>); null for a set of primitives.</param>
/// <param name="RetainKeys">True for <c>patchStrategy:"retainKeys"</c> on the items (e.g. volumes).</param>
internal sealed record ListMergeStrategy(string? MergeKey, bool RetainKeys = false);

/// <summary>
/// Strategic-merge metadata of one built-in kind: which list fields merge (and by which key)
/// instead of being replaced. Paths are field names from the object root joined by dots,
/// list indices omitted, e.g. <c>spec.template.spec.containers.env</c>.
/// </summary>
/// <remarks>
/// Every list not listed here is atomic (replaced wholesale), as for Go fields without a patch
/// strategy: Role/ClusterRole <c>rules</c>, tolerations, <c>envFrom</c>, and so on. Maps always merge.
/// </remarks>
internal sealed class StrategicMergeKeys
{
    private readonly Dictionary<string, ListMergeStrategy> _lists;

    /// <summary>Creates patch metadata from explicit list paths (used by tests and by <see cref="ForBuiltIn"/>).</summary>
    public StrategicMergeKeys(IEnumerable<KeyValuePair<string, ListMergeStrategy>> lists) =>
        _lists = new Dictionary<string, ListMergeStrategy>(lists, StringComparer.Ordinal);

    /// <summary>The list fields with a merge strategy, by path.</summary>
    public IReadOnlyDictionary<string, ListMergeStrategy> Lists => _lists;

    /// <summary>
    /// Patch metadata for a built-in kind (group "" is core), or null when <paramref name="group"/> is
    /// not a built-in API group, i.e. strategic merge is not available (custom resources).
    /// Known groups with kinds not modelled here still get the ObjectMeta strategies.
    /// </summary>
    public static StrategicMergeKeys? ForBuiltIn(string group, string kind) =>
        BuiltInPatchKeys.IsBuiltInGroup(group) ? new StrategicMergeKeys(BuiltInPatchKeys.For(group, kind)) : null;

    /// <summary>The strategy of the list at <paramref name="path"/>, or null when it is atomic.</summary>
    public ListMergeStrategy? ForList(string path) => _lists.GetValueOrDefault(path);
}
