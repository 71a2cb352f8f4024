namespace DBackup.Pipeline.Storage;

/// <summary>
/// Turns a command-line <c>DEST</c> (a folder path or <c>s3://bucket/prefix</c>) into a destination.
/// </summary>
/// <remarks>
/// For <c>s3://</c> destinations each setting comes from <see cref="S3Settings"/> when given there, else from
/// these environment variables:
/// <list type="bullet">
/// <item><c>DBACKUP_S3_ENDPOINT</c>: endpoint URL of an S3-compatible store (unset for AWS).</item>
/// <item><c>DBACKUP_S3_REGION</c>: region (default <c>us-east-1</c>).</item>
/// <item><c>DBACKUP_S3_ACCESS_KEY</c>, <c>DBACKUP_S3_SECRET_KEY</c>: static credentials; both unset means the AWS default credential chain.</item>
/// <item><c>DBACKUP_S3_FORCE_PATH_STYLE</c>: <c>true</c>/<c>false</c> (default: true with an endpoint, false for AWS).</item>
/// <item><c>DBACKUP_S3_CHUNK_ENCODING</c>: <c>true</c>/<c>false</c> (default: false with an endpoint, true for AWS).</item>
/// </list>
/// Credentials inside the URI (<c>s3://key:secret@bucket</c>) are refused, so they never reach shell history or logs.
/// </remarks>
public static class DestinationUri
{
    /// <summary>Scheme prefix of S3 destinations.</summary>
    public const string S3Scheme = "s3://";

    /// <summary>True when <paramref name="dest"/> is an <c>s3://</c> URI.</summary>
    public static bool IsS3(string dest) => dest.StartsWith(S3Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses a folder path or <c>s3://bucket/prefix</c> into a destination. An S3 destination owns an SDK
    /// client: dispose the result when it implements <see cref="IDisposable"/>.
    /// </summary>
    /// <param name="dest">Folder path or S3 URI.</param>
    /// <param name="s3">Explicit S3 settings, overriding the environment.</param>
    /// <param name="environment">Environment lookup; the process environment when null.</param>
    /// <exception cref="ArgumentException">The URI or an S3 setting is invalid.</exception>
    public static IBackupDestination Parse(string dest, S3Settings? s3 = null, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dest);
        return IsS3(dest) ? new S3Destination(ParseS3(dest, s3, environment)) : new FilesystemDestination(dest);
    }

    /// <summary>Builds the S3 options for an <c>s3://bucket/prefix</c> URI.</summary>
    /// <exception cref="ArgumentException">The URI or an S3 setting is invalid.</exception>
    public static S3DestinationOptions ParseS3(string uri, S3Settings? s3 = null, Func<string, string?>? environment = null)
    {
        var (bucket, prefix) = SplitS3(uri);
        return Options(bucket, string.Join('/', prefix), s3, environment);
    }

    /// <summary>
    /// Splits the path or URI of one backup file into its destination and key. When the last two segments look
    /// like <c>&lt;policy&gt;/&lt;policy&gt;-&lt;time&gt;…</c> they form the key (so the catalog and sibling meta.json
    /// are found as usual); otherwise the key is the file name alone.
    /// </summary>
    /// <exception cref="ArgumentException">The path or URI names no file.</exception>
    public static DestinationFile ParseFile(string file, S3Settings? s3 = null, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        if (IsS3(file))
        {
            var (bucket, segments) = SplitS3(file);
            if (segments.Length == 0)
            {
                throw new ArgumentException("The S3 URI names a bucket but no backup file.", nameof(file));
            }

            var take = KeySegments(segments);
            var options = Options(bucket, string.Join('/', segments[..^take]), s3, environment);
            return new DestinationFile(new S3Destination(options), string.Join('/', segments[^take..]));
        }

        var full = Path.GetFullPath(file);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || full.EndsWith(Path.DirectorySeparatorChar))
        {
            throw new ArgumentException($"'{file}' names a folder, not a backup file.", nameof(file));
        }

        var count = KeySegments(parts);
        var folder = full;
        for (var i = 0; i < count; i++)
        {
            folder = Path.GetDirectoryName(folder)!;
        }

        return new DestinationFile(new FilesystemDestination(folder), string.Join('/', parts[^count..]));
    }

    private static int KeySegments(string[] segments) =>
        segments.Length >= 2 && BackupName.TryParseKey($"{segments[^2]}/{segments[^1]}", out _, out _, out _) ? 2 : 1;

    private static (string Bucket, string[] Segments) SplitS3(string uri)
    {
        if (!IsS3(uri))
        {
            throw new ArgumentException("An S3 destination must start with s3://.", nameof(uri));
        }

        var rest = uri[S3Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Contains('@', StringComparison.Ordinal) || bucket.Contains(':', StringComparison.Ordinal))
        {
            // Deliberately not echoing the URI: it may hold a secret.
            throw new ArgumentException("Credentials in an s3:// URI are not supported; use DBACKUP_S3_ACCESS_KEY and DBACKUP_S3_SECRET_KEY or the AWS credential chain.", nameof(uri));
        }

        if (bucket.Length == 0)
        {
            throw new ArgumentException($"'{uri}' has no bucket name (expected s3://bucket/prefix).", nameof(uri));
        }

        var segments = slash < 0 ? [] : rest[(slash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (bucket, segments);
    }

    private static S3DestinationOptions Options(string bucket, string prefix, S3Settings? s3, Func<string, string?>? environment)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var endpoint = s3?.Endpoint ?? NonEmpty(environment("DBACKUP_S3_ENDPOINT"));
        var options = new S3DestinationOptions
        {
            Bucket = bucket,
            Prefix = prefix,
            Endpoint = endpoint,
            Region = s3?.Region ?? NonEmpty(environment("DBACKUP_S3_REGION")),
            AccessKey = s3?.AccessKey ?? NonEmpty(environment("DBACKUP_S3_ACCESS_KEY")),
            SecretKey = s3?.SecretKey ?? NonEmpty(environment("DBACKUP_S3_SECRET_KEY")),
            ForcePathStyle = s3?.ForcePathStyle ?? Flag(environment, "DBACKUP_S3_FORCE_PATH_STYLE") ?? endpoint is not null,
            UseChunkEncoding = s3?.UseChunkEncoding ?? Flag(environment, "DBACKUP_S3_CHUNK_ENCODING"),
            ChecksumMode = s3?.ChecksumMode,
        };
        options.Validate();
        return options;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool? Flag(Func<string, string?> environment, string name) => NonEmpty(environment(name))?.ToLowerInvariant() switch
    {
        null => null,
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw new ArgumentException($"{name} must be true or false."),
    };
}
