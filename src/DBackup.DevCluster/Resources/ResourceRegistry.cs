namespace DBackup.DevCluster.Resources;

/// <summary>
/// Every resource the server serves: the built-ins plus those defined by established CRDs.
/// Readers get immutable snapshots, so discovery and routing never see a half-registered CRD.
/// </summary>
internal sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private IReadOnlyList<ResourceType> _all;

    public ResourceRegistry(IEnumerable<ResourceType> builtIns) => _all = builtIns.ToList();

    public IReadOnlyList<ResourceType> All => Volatile.Read(ref _all);

    /// <summary>Resolves a URL's group/version/plural to a served resource.</summary>
    public ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Plural == plural && r.Version(version) is not null);

    public ResourceType? FindByKey(string key) => All.FirstOrDefault(r => r.Key == key);

    /// <summary>Groups with their versions, in registration order (the preferred version first).</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var groups = new List<(string, List<string>)>();
        foreach (var r in All)
        {
            var entry = groups.FirstOrDefault(g => g.Item1 == r.Group);
            if (entry.Item2 is null) groups.Add(entry = (r.Group, []));
            foreach (var v in r.Versions.Select(v => v.Name).Where(v => !entry.Item2.Contains(v))) entry.Item2.Add(v);
        }
        return groups.Select(g => (g.Item1, (IReadOnlyList<string>)SortVersions(g.Item2))).ToList();
    }

    /// <summary>Adds or replaces the resource with the same key.</summary>
    public void Register(ResourceType type)
    {
        lock (_gate)
        {
            var list = _all.Where(r => r.Key != type.Key).ToList();
            list.Add(type);
            Volatile.Write(ref _all, list);
        }
    }

    public void Unregister(string key)
    {
        lock (_gate) Volatile.Write(ref _all, _all.Where(r => r.Key != key).ToList());
    }

    // Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1).
    internal static List<string> SortVersions(IEnumerable<string> versions) =>
        versions.OrderByDescending(VersionRank).ToList();

    private static (int, int, int) VersionRank(string v)
    {
        var m = System.Text.RegularExpressions.Regex.Match(v, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
        if (!m.Success) return (0, 0, 0);
        var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stage = m.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage, major, minor);
    }
}
