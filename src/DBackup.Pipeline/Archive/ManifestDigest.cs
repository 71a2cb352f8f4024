using System.Security.Cryptography;
using System.Text;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Accumulates per component and resource the object counts and digests described on
/// <see cref="BackupManifest"/>, and the kind and scope of each resource. Memory grows with the number of
/// resources, not of objects.
/// </summary>
internal sealed class ManifestDigest : IDisposable
{
    private readonly SortedDictionary<string, SortedDictionary<string, Accumulator>> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Kind, ResourceScope Scope)> _resources = new(StringComparer.Ordinal);

    public long Objects { get; private set; }

    /// <summary>Resource key of a path's parts: <c>group-or-core/resource</c>.</summary>
    public static string ResourceKey(string groupFolder, string resource) => $"{groupFolder}/{resource}";

    /// <summary>The scope an archive path puts its object in: <c>_cluster</c> or a namespace folder.</summary>
    public static ResourceScope ScopeOf(string namespaceFolder) =>
        namespaceFolder == ObjectRef.ClusterScopeFolder ? ResourceScope.Cluster : ResourceScope.Namespaced;

    /// <summary>
    /// Adds one entry. Returns null, or why the entry contradicts the earlier ones: every object of one resource
    /// (in any component) has one kind and one scope. <paramref name="kind"/> is null when unknown (a manifest
    /// read back knows only paths).
    /// </summary>
    public string? Add(string component, string resourceKey, string path, string sha256Hex, string? kind, ResourceScope scope)
    {
        if (!_components.TryGetValue(component, out var resources))
        {
            resources = new SortedDictionary<string, Accumulator>(StringComparer.Ordinal);
            _components[component] = resources;
        }

        if (!resources.TryGetValue(resourceKey, out var acc))
        {
            acc = new Accumulator(IncrementalHash.CreateHash(HashAlgorithmName.SHA256), kind, scope);
            resources[resourceKey] = acc;
        }

        acc.Hash.AppendData(Encoding.UTF8.GetBytes($"{sha256Hex}  {path}\n"));
        acc.Objects++;
        Objects++;
        if (!_resources.TryGetValue(resourceKey, out var seen))
        {
            _resources[resourceKey] = (kind, scope);
            return null;
        }

        if (seen.Scope != scope)
        {
            return $"'{path}' is {Describe(scope)}, but other objects of {resourceKey} are {Describe(seen.Scope)}";
        }

        return kind is not null && seen.Kind is not null && kind != seen.Kind
            ? $"'{path}' is a {kind}, but other objects of {resourceKey} are {seen.Kind}s"
            : null;
    }

    /// <summary>Adds an entry given its archive path (already checked); the scope comes from the path.</summary>
    public string? Add(string[] parts, string path, string sha256Hex) =>
        Add(parts[0], ResourceKey(parts[1], parts[2]), path, sha256Hex, kind: null, ScopeOf(parts[3]));

    /// <summary>Says "namespaced" or "cluster-scoped".</summary>
    public static string Describe(ResourceScope scope) => scope == ResourceScope.Cluster ? "cluster-scoped" : "namespaced";

    /// <summary>Finishes all digests; call once.</summary>
    public SortedDictionary<string, ManifestComponent> Complete()
    {
        var result = new SortedDictionary<string, ManifestComponent>(StringComparer.Ordinal);
        foreach (var (component, resources) in _components)
        {
            var summary = new SortedDictionary<string, ManifestResource>(StringComparer.Ordinal);
            using var componentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long objects = 0;
            foreach (var (key, acc) in resources)
            {
                var sha = Convert.ToHexStringLower(acc.Hash.GetHashAndReset());
                summary[key] = new ManifestResource { Objects = acc.Objects, Sha256 = sha, Kind = acc.Kind, Scope = acc.Scope };
                componentHash.AppendData(Encoding.UTF8.GetBytes($"{sha}  {key}\n"));
                objects += acc.Objects;
            }

            result[component] = new ManifestComponent
            {
                Objects = objects,
                Sha256 = Convert.ToHexStringLower(componentHash.GetHashAndReset()),
                Resources = summary,
            };
        }

        return result;
    }

    public void Dispose()
    {
        foreach (var resources in _components.Values)
        {
            foreach (var acc in resources.Values)
            {
                acc.Hash.Dispose();
            }
        }
    }

    private sealed class Accumulator(IncrementalHash hash, string? kind, ResourceScope scope)
    {
        public IncrementalHash Hash { get; } = hash;

        public string? Kind { get; } = kind;

        public ResourceScope Scope { get; } = scope;

        public long Objects { get; set; }
    }
}
