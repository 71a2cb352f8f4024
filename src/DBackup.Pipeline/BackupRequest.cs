using System.IO.Compression;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline;

/// <summary>What to write: the parameters of one backup run, given to <see cref="BackupPipeline.WriteAsync"/>.</summary>
public sealed record BackupRequest
{
    /// <summary>Policy name (a DNS-1123 label): the destination folder and name prefix.</summary>
    public required string Policy { get; init; }

    /// <summary>What started the run: <c>schedule</c>, <c>manual</c>, <c>cli</c>, <c>safety</c>, <c>pack</c> ...</summary>
    public required string Trigger { get; init; }

    /// <summary>Cluster name or URL, recorded in the manifest and meta.json.</summary>
    public string? Cluster { get; init; }

    /// <summary>Profile key; when set the payload is encrypted (<c>.enc</c>).</summary>
    public EncryptionKey? Key { get; init; }

    /// <summary>Name of the EncryptionProfileRef the key came from, recorded in meta.json.</summary>
    public string? ProfileName { get; init; }

    /// <summary>Compression of the tar stream (default gzip).</summary>
    public CompressionAlgorithm Compression { get; init; } = CompressionAlgorithm.Gzip;

    /// <summary>gzip level (default <see cref="CompressionLevel.Optimal"/>, zlib level 6).</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>Whether the objects carry Secret values. Requires <see cref="Key"/>.</summary>
    public bool IncludesSecrets { get; init; }

    /// <summary>Plaintext bytes per encrypted segment (default 64 KiB, 1 KiB to 16 MiB).</summary>
    public int SegmentSize { get; init; } = 64 * 1024;

    /// <summary>Start time recorded and used in the name; null means the pipeline's clock now.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Tool version recorded; null means this assembly's version.</summary>
    public string? ToolVersion { get; init; }

    /// <summary>Folder for the private spool directory; null means the system temp folder.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Checks the request; called by the pipeline before anything is written.</summary>
    /// <exception cref="ArgumentException">A field is invalid, or secrets would be written without a key.</exception>
    public void Validate()
    {
        BackupName.ValidatePolicy(Policy);
        if (string.IsNullOrWhiteSpace(Trigger))
        {
            throw new ArgumentException("The backup trigger must not be empty.", nameof(Trigger));
        }

        if (IncludesSecrets && Key is null)
        {
            throw new ArgumentException(
                "Refusing to write Secret values unencrypted: IncludesSecrets is true but no encryption key was given.", nameof(IncludesSecrets));
        }

        if (SegmentSize is < SegmentHeader.MinSegmentSize or > SegmentHeader.MaxSegmentSize)
        {
            throw new ArgumentException(
                $"The segment size must be between {SegmentHeader.MinSegmentSize} and {SegmentHeader.MaxSegmentSize} bytes, not {SegmentSize}.", nameof(SegmentSize));
        }

        if (!Enum.IsDefined(Compression) || !Enum.IsDefined(CompressionLevel))
        {
            throw new ArgumentException("Unknown compression algorithm or level.", nameof(Compression));
        }
    }
}
