namespace DBackup.Pipeline.Storage;

/// <summary>How checksums are used on S3 requests and responses (SDK v4 <c>RequestChecksumCalculation</c>/<c>ResponseChecksumValidation</c>).</summary>
public enum S3ChecksumMode
{
    /// <summary>Only where the API requires one. Safe with S3-compatible stores that reject the newer CRC headers.</summary>
    WhenRequired,

    /// <summary>On every operation that supports one (the SDK v4 default against AWS).</summary>
    WhenSupported,
}

/// <summary>Settings of an <see cref="S3Destination"/>.</summary>
/// <remarks>
/// With <see cref="AccessKey"/> and <see cref="SecretKey"/> both null the AWS default credential chain is used
/// (environment, profile, web identity, instance role). <see cref="ToString"/> never prints the secret key.
/// </remarks>
public sealed record S3DestinationOptions
{
    /// <summary>Smallest part size S3 accepts for all parts but the last.</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>Default part size of multipart uploads.</summary>
    public const int DefaultPartSize = 8 * 1024 * 1024;

    /// <summary>Bucket name.</summary>
    public required string Bucket { get; init; }

    /// <summary>Key prefix inside the bucket (no leading or trailing '/'); empty for the bucket root.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>Region, e.g. <c>eu-west-1</c>; defaults to <c>us-east-1</c>.</summary>
    public string? Region { get; init; }

    /// <summary>Endpoint URL of an S3-compatible store (the SDK's ServiceURL); null for AWS.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>); most S3-compatible stores need it.</summary>
    public bool ForcePathStyle { get; init; }

    /// <summary>Access key id, or null for the default credential chain.</summary>
    public string? AccessKey { get; init; }

    /// <summary>Secret access key, or null for the default credential chain. Never logged or printed.</summary>
    public string? SecretKey { get; init; }

    /// <summary>
    /// Whether uploads use <c>aws-chunked</c> encoding. Null picks the default: on for AWS, off for a custom
    /// <see cref="Endpoint"/>, because several S3-compatible stores store chunked bodies verbatim.
    /// </summary>
    public bool? UseChunkEncoding { get; init; }

    /// <summary>Checksum behaviour. Null picks the default: when-supported for AWS, when-required for a custom endpoint.</summary>
    public S3ChecksumMode? ChecksumMode { get; init; }

    /// <summary>Multipart part size in bytes (at least <see cref="MinimumPartSize"/>); one part is buffered in memory.</summary>
    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>Chunk encoding in effect after defaults.</summary>
    public bool EffectiveUseChunkEncoding => UseChunkEncoding ?? Endpoint is null;

    /// <summary>Checksum mode in effect after defaults.</summary>
    public S3ChecksumMode EffectiveChecksumMode => ChecksumMode ?? (Endpoint is null ? S3ChecksumMode.WhenSupported : S3ChecksumMode.WhenRequired);

    /// <summary>Page size of listings; lowered by tests to exercise paging.</summary>
    internal int ListPageSize { get; init; } = 1000;

    /// <summary><c>s3://bucket/prefix</c>.</summary>
    public string Location => Prefix.Trim('/') is { Length: > 0 } prefix ? $"s3://{Bucket}/{prefix}" : $"s3://{Bucket}";

    /// <summary>A description without credentials.</summary>
    public override string ToString() =>
        $"{Location} (endpoint {Endpoint ?? "AWS"}, region {Region ?? "default"}, path style {ForcePathStyle}, credentials {(AccessKey is null ? "default chain" : "static")})";

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket) || Bucket.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{Bucket}' is not a valid S3 bucket name.", nameof(Bucket));
        }

        if ((AccessKey is null) != (SecretKey is null))
        {
            throw new ArgumentException("Give both the S3 access key and the secret key, or neither to use the default AWS credential chain.");
        }

        if (PartSize < MinimumPartSize)
        {
            throw new ArgumentException($"The S3 part size must be at least {MinimumPartSize} bytes (5 MiB).", nameof(PartSize));
        }

        if (Endpoint is not null && !Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"'{Endpoint}' is not a valid S3 endpoint URL.", nameof(Endpoint));
        }

        StorageKey.NormalizePrefix(Prefix);
    }
}
