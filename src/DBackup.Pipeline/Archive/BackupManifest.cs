using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// The <c>manifest.json</c> at the start of every backup tar: who wrote it, when, and the path, size and
/// SHA-256 of every entry, plus per component and resource the object count and a digest.
/// </summary>
/// <remarks>
/// Digests are lowercase hex SHA-256. A resource digest hashes, in archive order, one line
/// <c>"&lt;entry sha256&gt;  &lt;path&gt;\n"</c> per entry of that resource; a component digest hashes one line
/// <c>"&lt;resource sha256&gt;  &lt;resource key&gt;\n"</c> per resource, ordered by key (ordinal).
/// Resource keys are <c>&lt;group or core&gt;/&lt;resource&gt;</c>, e.g. <c>core/configmaps</c>.
/// </remarks>
public sealed record BackupManifest
{
    /// <summary>The manifest format version this build writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The name of the manifest entry, always the first in the tar.</summary>
    public const string EntryName = "manifest.json";

    /// <summary>Manifest format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Tool that wrote the backup (<c>dbackup</c>).</summary>
    public string Tool { get; init; } = "dbackup";

    /// <summary>Version of the tool that wrote the backup.</summary>
    public string? ToolVersion { get; init; }

    /// <summary>Policy (or CLI name) that wrote the backup.</summary>
    public required string Policy { get; init; }

    /// <summary>What started the backup (<c>schedule</c>, <c>manual</c> ...).</summary>
    public required string Trigger { get; init; }

    /// <summary>Cluster the objects came from, when known.</summary>
    public string? Cluster { get; init; }

    /// <summary>When the backup started (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When all objects had been collected (UTC).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Whether Secret values are included.</summary>
    public bool IncludesSecrets { get; init; }

    /// <summary>Number of objects (entries other than the manifest).</summary>
    public long Objects { get; init; }

    /// <summary>Every object entry, in archive order.</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; init; } = [];

    /// <summary>Per component: counts and digests.</summary>
    public IReadOnlyDictionary<string, ManifestComponent> Components { get; init; } = new Dictionary<string, ManifestComponent>();
}

/// <summary>One object entry of the tar.</summary>
/// <param name="Path">Path in the tar.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the entry's bytes.</param>
/// <param name="Size">Size in bytes.</param>
public sealed record ManifestEntry(string Path, string Sha256, long Size);

/// <summary>Counts and digest of one component (policy source).</summary>
public sealed record ManifestComponent
{
    /// <summary>Objects in the component.</summary>
    public long Objects { get; init; }

    /// <summary>Digest over the component's resource digests (see <see cref="BackupManifest"/>).</summary>
    public required string Sha256 { get; init; }

    /// <summary>Per resource key (<c>&lt;group or core&gt;/&lt;resource&gt;</c>): counts and digests.</summary>
    public IReadOnlyDictionary<string, ManifestResource> Resources { get; init; } = new Dictionary<string, ManifestResource>();
}

/// <summary>Counts, digest, kind and scope of one resource within a component.</summary>
public sealed record ManifestResource
{
    /// <summary>Objects of this resource.</summary>
    public long Objects { get; init; }

    /// <summary>The kind of every object of this resource, e.g. <c>ConfigMap</c>; absent in manifests of older writers.</summary>
    public string? Kind { get; init; }

    /// <summary>Whether the resource is namespaced or cluster-scoped; absent in manifests of older writers.</summary>
    public ResourceScope? Scope { get; init; }

    /// <summary>Digest over the resource's entries (see <see cref="BackupManifest"/>).</summary>
    public required string Sha256 { get; init; }
}
