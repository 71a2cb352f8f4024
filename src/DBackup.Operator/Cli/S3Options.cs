using System.CommandLine;
using DBackup.Pipeline;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>
/// S3 connection settings for <c>s3://bucket/prefix</c> arguments: flags first, then the <c>DBACKUP_S3_*</c>
/// variables read by <see cref="DestinationUri"/>. Credentials come only from the environment
/// (<c>DBACKUP_S3_ACCESS_KEY</c>/<c>DBACKUP_S3_SECRET_KEY</c>, else the AWS default chain), never from flags,
/// so they stay out of shell history and process lists.
/// </summary>
internal static class S3Options
{
    private const string EndpointName = "--s3-endpoint";
    private const string RegionName = "--s3-region";
    private const string PathStyleName = "--s3-force-path-style";

    /// <summary>Adds the S3 connection options to a command (new instances per command: symbols remember their parents).</summary>
    public static void AddTo(Command command)
    {
        command.Add(new Option<string?>(EndpointName)
        {
            Description = "Endpoint URL of an S3-compatible store (default: AWS; env DBACKUP_S3_ENDPOINT)",
            HelpName = "URL",
        });
        command.Add(new Option<string?>(RegionName)
        {
            Description = "S3 region (env DBACKUP_S3_REGION)",
            HelpName = "REGION",
        });
        command.Add(new Option<bool>(PathStyleName)
        {
            Description = "Path-style S3 addressing (env DBACKUP_S3_FORCE_PATH_STYLE; default on with a custom endpoint)",
        });
    }

    /// <summary>Whether an argument names an S3 location.</summary>
    public static bool IsS3(string text) => DestinationUri.IsS3(text);

    /// <summary>A destination for <c>s3://bucket/prefix</c>.</summary>
    /// <exception cref="CliException">The URI or settings are malformed.</exception>
    public static IBackupDestination Destination(CliContext context, ParseResult parse, string uri) =>
        Checked(uri, () => DestinationUri.Parse(uri, Settings(parse), context.Env));

    /// <summary>The backup named by <c>s3://bucket/prefix/policy/name.tar.gz[.enc][.meta.json]</c>.</summary>
    /// <exception cref="CliException">The URI or settings are malformed.</exception>
    public static BackupLocation Backup(CliContext context, ParseResult parse, string uri)
    {
        var payload = uri.EndsWith(BackupName.MetaSuffix, StringComparison.Ordinal) ? uri[..^BackupName.MetaSuffix.Length] : uri;
        var file = Checked(uri, () => DestinationUri.ParseFile(payload, Settings(parse), context.Env));
        return new BackupLocation(file.Destination, file.Key);
    }

    private static S3Settings Settings(ParseResult parse) => new()
    {
        Endpoint = parse.GetValue<string?>(EndpointName),
        Region = parse.GetValue<string?>(RegionName),
        ForcePathStyle = parse.GetValue<bool>(PathStyleName) ? true : null,
    };

    private static T Checked<T>(string uri, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException ex)
        {
            throw CliException.Usage($"{(ex.Message.Contains("Credentials", StringComparison.Ordinal) ? "s3 URI" : uri)}: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }
}
