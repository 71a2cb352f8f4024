namespace DBackup.Pipeline.Archive;

/// <summary>A parsed manifest, checked for internal consistency, with a path lookup for verifying entries.</summary>
internal sealed class ManifestIndex
{
    private readonly Dictionary<string, int> _byPath;

    private ManifestIndex(BackupManifest manifest, Dictionary<string, int> byPath, Dictionary<string, ResourceFacts> resources)
    {
        Manifest = manifest;
        _byPath = byPath;
        Resources = resources;
    }

    public BackupManifest Manifest { get; }

    /// <summary>Per resource key (<c>group-or-core/resource</c>): its scope and, when known, its kind.</summary>
    public IReadOnlyDictionary<string, ResourceFacts> Resources { get; }

    public int Count => Manifest.Entries.Count;

    public bool Contains(string path) => _byPath.ContainsKey(path);

    /// <summary>Parses and checks manifest bytes: version, entry paths, uniqueness, counts, digests, kinds and scopes.</summary>
    /// <exception cref="InvalidBackupException">Anything is malformed or inconsistent.</exception>
    public static ManifestIndex Parse(ReadOnlySpan<byte> json, ReadLimits limits)
    {
        var manifest = StrictJson.Deserialize<BackupManifest>(json, "manifest.json is not valid JSON");
        if (manifest is null || manifest.Entries is null || manifest.Components is null || manifest.Policy is null || manifest.Trigger is null)
        {
            throw new InvalidBackupException("manifest.json lacks required fields");
        }

        if (manifest.FormatVersion is < 1 or > BackupManifest.CurrentFormatVersion)
        {
            throw new InvalidBackupException(
                $"manifest.json has format version {manifest.FormatVersion}; this build reads 1..{BackupManifest.CurrentFormatVersion}");
        }

        if (manifest.Entries.Count > limits.MaxEntries)
        {
            throw new InvalidBackupException($"the manifest lists {manifest.Entries.Count} entries, more than the limit of {limits.MaxEntries}");
        }

        if (manifest.Objects != manifest.Entries.Count)
        {
            throw new InvalidBackupException($"manifest.json says {manifest.Objects} objects but lists {manifest.Entries.Count} entries");
        }

        var byPath = new Dictionary<string, int>(manifest.Entries.Count, StringComparer.Ordinal);
        var firstPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        using var digest = new ManifestDigest();
        for (var i = 0; i < manifest.Entries.Count; i++)
        {
            var entry = manifest.Entries[i];
            if (entry?.Path is null || entry.Sha256 is not { Length: 64 } || entry.Size < 0 || entry.Size > limits.MaxEntryBytes)
            {
                throw new InvalidBackupException($"manifest.json entry {i} is malformed or exceeds the entry size limit");
            }

            var parts = ArchivePaths.Parse(entry.Path);
            if (!byPath.TryAdd(entry.Path, i))
            {
                throw new InvalidBackupException($"manifest.json lists '{ArchivePaths.Printable(entry.Path)}' twice");
            }

            if (digest.Add(parts, entry.Path, entry.Sha256) is { } conflict)
            {
                throw new InvalidBackupException($"manifest.json lists {ArchivePaths.Printable(conflict)}");
            }

            firstPaths.TryAdd(ManifestDigest.ResourceKey(parts[1], parts[2]), entry.Path);
        }

        var computed = digest.Complete();
        CheckComponents(manifest, computed);
        var resources = ResourceScopeRules.CheckManifest(manifest, computed, firstPaths);
        return new ManifestIndex(manifest, byPath, resources);
    }

    private static void CheckComponents(BackupManifest manifest, SortedDictionary<string, ManifestComponent> computed)
    {
        if (manifest.Components.Count != computed.Count)
        {
            throw new InvalidBackupException("manifest.json component summary does not match its entries");
        }

        foreach (var (name, expected) in computed)
        {
            if (!manifest.Components.TryGetValue(name, out var actual) || actual?.Resources is null
                || actual.Objects != expected.Objects || actual.Sha256 != expected.Sha256 || actual.Resources.Count != expected.Resources.Count)
            {
                throw new InvalidBackupException($"manifest.json summary of component '{ArchivePaths.Printable(name)}' does not match its entries");
            }

            foreach (var (key, resource) in expected.Resources)
            {
                if (!actual.Resources.TryGetValue(key, out var got) || got is null || got.Objects != resource.Objects || got.Sha256 != resource.Sha256)
                {
                    throw new InvalidBackupException($"manifest.json summary of '{ArchivePaths.Printable(name)}/{ArchivePaths.Printable(key)}' does not match its entries");
                }
            }
        }
    }
}
