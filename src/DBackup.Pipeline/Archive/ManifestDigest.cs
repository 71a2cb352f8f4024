using System.Security.Cryptography;
using System.Text;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Accumulates per component and resource the object counts and digests described on
/// <see cref="BackupManifest"/>. Memory grows with the number of resources, not of objects.
/// </summary>
internal sealed class ManifestDigest : IDisposable
{
    private readonly SortedDictionary<string, SortedDictionary<string, (long Objects, IncrementalHash Hash)>> _components = new(StringComparer.Ordinal);

    public long Objects { get; private set; }

    /// <summary>Resource key of a path's parts: <c>group-or-core/resource</c>.</summary>
    public static string ResourceKey(string groupFolder, string resource) => $"{groupFolder}/{resource}";

    public void Add(string component, string resourceKey, string path, string sha256Hex)
    {
        if (!_components.TryGetValue(component, out var resources))
        {
            resources = new SortedDictionary<string, (long, IncrementalHash)>(StringComparer.Ordinal);
            _components[component] = resources;
        }

        if (!resources.TryGetValue(resourceKey, out var acc))
        {
            acc = (0, IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
        }

        acc.Hash.AppendData(Encoding.UTF8.GetBytes($"{sha256Hex}  {path}\n"));
        resources[resourceKey] = (acc.Objects + 1, acc.Hash);
        Objects++;
    }

    /// <summary>Adds an entry given its archive path (already checked).</summary>
    public void Add(string[] parts, string path, string sha256Hex) => Add(parts[0], ResourceKey(parts[1], parts[2]), path, sha256Hex);

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
                summary[key] = new ManifestResource { Objects = acc.Objects, Sha256 = sha };
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
}
