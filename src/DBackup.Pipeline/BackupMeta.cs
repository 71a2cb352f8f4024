using System.Text.Json;
using System.Text.Json.Serialization;

namespace DBackup.Pipeline;

/// <summary>
/// The <c>.meta.json</c> sidecar of a backup: enough to list, filter and apply retention without
/// downloading the payload. It is written last; a backup without it is incomplete.
/// </summary>
public sealed record BackupMeta
{
    /// <summary>The meta/payload format version this build writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Format version of the backup.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Backup name: the payload file name without extensions, e.g. <c>nightly-20260101T030000Z</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Policy (or <c>pack</c>/CLI name) that wrote the backup.</summary>
    public required string Policy { get; init; }

    /// <summary>What started it: <c>schedule</c>, <c>manual</c>, <c>cli</c>, <c>safety</c>, <c>pack</c> ...</summary>
    public required string Trigger { get; init; }

    /// <summary>Cluster name or URL the objects came from, when known.</summary>
    public string? Cluster { get; init; }

    /// <summary>Version of the tool that wrote the backup.</summary>
    public string? ToolVersion { get; init; }

    /// <summary>When the backup started (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the payload was complete (UTC).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Encryption parameters (repeated from the payload header).</summary>
    public required EncryptionInfo Encryption { get; init; }

    /// <summary>Compression of the tar stream.</summary>
    public required CompressionInfo Compression { get; init; }

    /// <summary>Whether Secret values are included (false: redacted).</summary>
    public bool IncludesSecrets { get; init; }

    /// <summary>Byte counts.</summary>
    public required SizeInfo Sizes { get; init; }

    /// <summary>Number of API objects in the backup.</summary>
    public long Objects { get; init; }

    /// <summary>Lowercase hex SHA-256 of the payload file exactly as stored.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Key (relative path) of the payload in its destination.</summary>
    public required string PayloadKey { get; init; }

    /// <summary>Per-component object counts, for listing and filtering.</summary>
    public IReadOnlyDictionary<string, long> Components { get; init; } = new Dictionary<string, long>();

    /// <summary>Serializer options used for every meta.json and manifest.json.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },

        // Reading: a key given twice is refused rather than resolved by "last one wins" (see docs/backup-format.md).
        AllowDuplicateProperties = false,
    };

    /// <summary>Serializes to UTF-8 JSON.</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    /// <summary>Parses a meta.json document.</summary>
    /// <exception cref="InvalidBackupException">The JSON is malformed or misses required fields.</exception>
    public static BackupMeta Parse(ReadOnlySpan<byte> json)
    {
        var meta = Archive.StrictJson.Deserialize<BackupMeta>(json, "meta.json is not valid")
            ?? throw new InvalidBackupException("meta.json is empty (null)");
        if (meta.FormatVersion is < 1 or > CurrentFormatVersion)
        {
            throw new InvalidBackupException($"meta.json has format version {meta.FormatVersion}; this build reads 1..{CurrentFormatVersion}");
        }

        return meta;
    }
}

/// <summary>Encryption parameters of a backup.</summary>
public sealed record EncryptionInfo
{
    /// <summary>Whether the payload is encrypted.</summary>
    public bool Enabled { get; init; }

    /// <summary>Algorithm name, e.g. <c>AES-256-GCM-SEG</c>.</summary>
    public string? Algorithm { get; init; }

    /// <summary>Fingerprint of the profile key that wraps the data key.</summary>
    public string? KeyId { get; init; }

    /// <summary>Name of the EncryptionProfileRef used, if any.</summary>
    public string? Profile { get; init; }

    /// <summary>Base64 of the wrapped per-backup data key.</summary>
    public string? WrappedKey { get; init; }

    /// <summary>Base64 of the per-backup nonce prefix.</summary>
    public string? NoncePrefix { get; init; }

    /// <summary>Plaintext segment size in bytes.</summary>
    public int? SegmentSize { get; init; }

    /// <summary>No encryption.</summary>
    public static EncryptionInfo None { get; } = new() { Enabled = false };
}

/// <summary>Compression of a backup's tar stream.</summary>
public sealed record CompressionInfo
{
    /// <summary><c>gzip</c> or <c>none</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Compression level name: <c>fastest</c>, <c>optimal</c>, <c>smallest</c>, <c>none</c>.</summary>
    public string? Level { get; init; }
}

/// <summary>Sizes of a backup.</summary>
public sealed record SizeInfo
{
    /// <summary>Bytes of the payload file as stored (compressed, encrypted).</summary>
    public long PayloadBytes { get; init; }

    /// <summary>Bytes of the tar stream before compression.</summary>
    public long TarBytes { get; init; }
}
