namespace DBackup.Pipeline;

/// <summary>
/// Bounds applied while reading a backup, so a hostile or corrupt file cannot exhaust memory or disk
/// (decompression bombs, huge entries, millions of tiny entries).
/// </summary>
public sealed record ReadLimits
{
    /// <summary>Defaults: 64 MiB per entry, 1,000,000 entries, 8 GiB decompressed, 256 MiB manifest, 16 MiB meta.json.</summary>
    public static ReadLimits Default { get; } = new();

    /// <summary>Largest object entry accepted, in bytes.</summary>
    public long MaxEntryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most object entries accepted.</summary>
    public int MaxEntries { get; init; } = 1_000_000;

    /// <summary>Most decompressed (tar) bytes read in total.</summary>
    public long MaxTotalBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Largest manifest.json accepted, in bytes.</summary>
    public long MaxManifestBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest .meta.json accepted, in bytes.</summary>
    public int MaxMetaBytes { get; init; } = 16 * 1024 * 1024;
}
