namespace DBackup.Pipeline.Storage;

/// <summary>
/// S3 connection settings given explicitly (command-line flags, a policy's spec) that take precedence over the
/// <c>DBACKUP_S3_*</c> environment variables when an <c>s3://</c> destination is parsed. Null means "not given".
/// </summary>
public sealed record S3Settings
{
    /// <summary>Endpoint URL of an S3-compatible store.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Region.</summary>
    public string? Region { get; init; }

    /// <summary>Access key id.</summary>
    public string? AccessKey { get; init; }

    /// <summary>Secret access key; never printed.</summary>
    public string? SecretKey { get; init; }

    /// <summary>Path-style addressing.</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary><c>aws-chunked</c> upload encoding.</summary>
    public bool? UseChunkEncoding { get; init; }

    /// <summary>Checksum behaviour.</summary>
    public S3ChecksumMode? ChecksumMode { get; init; }

    /// <summary>A description without the secret key.</summary>
    public override string ToString() =>
        $"S3Settings {{ Endpoint = {Endpoint}, Region = {Region}, AccessKey = {AccessKey}, SecretKey = {(SecretKey is null ? "" : "***")} }}";
}

/// <summary>A single backup file addressed by path or URI: the destination that holds it and its key there.</summary>
/// <param name="Destination">The folder or bucket/prefix the file lives in.</param>
/// <param name="Key">Key of the file in <paramref name="Destination"/>, e.g. <c>nightly/nightly-20260101T030000Z.tar.gz.enc</c>.</param>
public sealed record DestinationFile(IBackupDestination Destination, string Key);
