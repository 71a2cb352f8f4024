using System.CommandLine;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>
/// S3 connection settings for <c>s3://bucket/prefix</c> arguments: flags first, then <c>DBACKUP_S3_*</c>
/// variables. Credentials come only from the environment (<c>DBACKUP_S3_ACCESS_KEY_ID</c>/<c>DBACKUP_S3_SECRET_ACCESS_KEY</c>,
/// else the AWS default chain), never from flags, so they stay out of shell history and process lists.
/// </summary>
internal static class S3Options
{
    public static Option<string?> Endpoint { get; } = new("--s3-endpoint")
    {
        Description = "Endpoint URL of an S3-compatible store (default: AWS; env DBACKUP_S3_ENDPOINT)",
        HelpName = "URL",
    };

    public static Option<string?> Region { get; } = new("--s3-region")
    {
        Description = "S3 region (env DBACKUP_S3_REGION)",
        HelpName = "REGION",
    };

    public static Option<bool> ForcePathStyle { get; } = new("--s3-force-path-style")
    {
        Description = "Path-style S3 addressing, needed by most S3-compatible stores (env DBACKUP_S3_FORCE_PATH_STYLE=true)",
    };

    /// <summary>Whether an argument names an S3 location.</summary>
    public static bool IsS3(string text) => text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A destination for <c>s3://bucket/prefix</c>.</summary>
    /// <exception cref="CliException">The URI or settings are malformed.</exception>
    public static IBackupDestination Destination(CliContext context, ParseResult parse, string uri)
    {
        var (bucket, path) = Split(uri);
        return Create(context, parse, bucket, path);
    }

    /// <summary>The backup named by <c>s3://bucket/prefix/policy/name.tar.gz[.enc]</c>.</summary>
    /// <exception cref="CliException">The URI or settings are malformed.</exception>
    public static BackupLocation Backup(CliContext context, ParseResult parse, string uri)
    {
        var (bucket, path) = Split(uri);
        if (path.Length == 0)
        {
            throw CliException.Usage($"{uri} names a bucket, not a backup file");
        }

        var (prefix, key) = Locations.SplitBackupKey(path);
        return new BackupLocation(Create(context, parse, bucket, prefix), key);
    }

    private static S3Destination Create(CliContext context, ParseResult parse, string bucket, string prefix)
    {
        var pathStyle = parse.GetValue(ForcePathStyle)
            || context.Env("DBACKUP_S3_FORCE_PATH_STYLE") is { } flag && (flag == "1" || flag.Equals("true", StringComparison.OrdinalIgnoreCase));
        var accessKey = context.Env("DBACKUP_S3_ACCESS_KEY_ID");
        var secretKey = context.Env("DBACKUP_S3_SECRET_ACCESS_KEY");
        if ((accessKey is null) != (secretKey is null))
        {
            throw new CliException("set both DBACKUP_S3_ACCESS_KEY_ID and DBACKUP_S3_SECRET_ACCESS_KEY, or neither (to use the AWS default credentials)");
        }

        var options = new S3DestinationOptions
        {
            Bucket = bucket,
            Prefix = prefix,
            Endpoint = parse.GetValue(Endpoint) ?? context.Env("DBACKUP_S3_ENDPOINT"),
            Region = parse.GetValue(Region) ?? context.Env("DBACKUP_S3_REGION"),
            ForcePathStyle = pathStyle,
            AccessKey = accessKey,
            SecretKey = secretKey,
        };
        try
        {
            return new S3Destination(options);
        }
        catch (ArgumentException ex)
        {
            throw CliException.Usage($"invalid S3 settings for {options.Location}: {ex.Message}");
        }
    }

    private static (string Bucket, string Path) Split(string uri)
    {
        var rest = uri["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
        if (bucket.Length == 0 || path.Contains("//", StringComparison.Ordinal))
        {
            throw CliException.Usage($"'{uri}' is not of the form s3://bucket/prefix");
        }

        return (bucket, path);
    }
}
