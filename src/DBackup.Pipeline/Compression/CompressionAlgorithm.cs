namespace DBackup.Pipeline.Compression;

/// <summary>Compression applied to the tar stream of a backup.</summary>
public enum CompressionAlgorithm
{
    /// <summary>No compression: the payload is a plain tar (<c>.tar</c>).</summary>
    None = 0,

    /// <summary>gzip (<c>.tar.gz</c>), the level set by <see cref="BackupRequest.CompressionLevel"/>.</summary>
    Gzip = 1,
}
