using System.CommandLine;
using DBackup.Pipeline;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>A backup named on the command line: the destination that holds it and its payload key there.</summary>
/// <param name="Destination">Where the backup lives.</param>
/// <param name="Key">Payload key inside the destination.</param>
internal sealed record BackupLocation(IBackupDestination Destination, string Key)
{
    /// <summary>How to show the backup in messages.</summary>
    public string Display => Destination.Location.TrimEnd('/') + "/" + Key;
}

/// <summary>Turns DEST and FILE arguments (folder, local file, or <c>s3://bucket/prefix[/key]</c>) into destinations.</summary>
internal static class Locations
{
    /// <summary>Adds the S3 connection options to a command.</summary>
    public static void AddS3Options(Command command) => S3Options.AddTo(command);

    /// <summary>A destination for DEST. Local folders must exist unless <paramref name="create"/> is set.</summary>
    /// <exception cref="CliException">The folder does not exist, or the S3 URI is malformed.</exception>
    public static IBackupDestination Destination(CliContext context, ParseResult parse, string dest, bool create)
    {
        if (S3Options.IsS3(dest))
        {
            return S3Options.Destination(context, parse, dest);
        }

        var full = Path.GetFullPath(dest);
        if (File.Exists(full))
        {
            throw new CliException($"{dest} is a file; a destination is a folder or s3://bucket/prefix");
        }

        if (!create && !Directory.Exists(full))
        {
            throw new CliException($"{dest}: no such folder");
        }

        return new FilesystemDestination(full);
    }

    /// <summary>
    /// The backup named by FILE: a payload or meta.json path, locally or in S3. A local backup inside its
    /// policy folder (<c>DEST/policy/policy-time.tar.gz.enc</c>) is opened with DEST as its destination, so its
    /// key keeps the policy folder.
    /// </summary>
    /// <exception cref="CliException">The file does not exist or is a folder.</exception>
    public static BackupLocation Backup(CliContext context, ParseResult parse, string file)
    {
        if (S3Options.IsS3(file))
        {
            return S3Options.Backup(context, parse, file);
        }

        var full = Path.GetFullPath(file);
        if (Directory.Exists(full))
        {
            throw new CliException($"{file} is a folder; give a backup file (see 'dbackup list {file}')");
        }

        var viaMeta = full.EndsWith(BackupName.MetaSuffix, StringComparison.Ordinal);
        if (viaMeta)
        {
            full = full[..^BackupName.MetaSuffix.Length];
        }

        if (!File.Exists(full))
        {
            throw new CliException(viaMeta && File.Exists(full + BackupName.MetaSuffix)
                ? $"{file}: the payload {Path.GetFileName(full)} it describes is missing"
                : $"{file}: no such file");
        }

        var located = DestinationUri.ParseFile(full);
        return new BackupLocation(located.Destination, located.Key);
    }
}
