using System.CommandLine;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Cli;

/// <summary>Opens the backup named by a FILE argument for reading.</summary>
internal static class BackupFiles
{
    /// <summary>
    /// Resolves FILE and creates a reader over it (its meta.json is loaded when present). With a
    /// <paramref name="progress"/>, bytes read are counted on it.
    /// </summary>
    /// <exception cref="CliException">FILE does not name a backup.</exception>
    public static async Task<(BackupReader Reader, BackupLocation Location)> OpenAsync(
        CliContext context, ParseResult parse, string file, KeyRing keys, Progress? progress, CancellationToken ct)
    {
        var location = Locations.Backup(context, parse, file);
        var destination = progress is null ? location.Destination : new ProgressDestination(location.Destination, progress);
        try
        {
            var reader = await BackupReader.FromDestinationAsync(destination, location.Key, keys, cancellationToken: ct).ConfigureAwait(false);
            return (reader, location);
        }
        catch (DBackup.Pipeline.Storage.BackupNotFoundException ex)
        {
            throw new CliException($"{file}: no such backup", ExitCodes.Failure, ex);
        }
    }

    /// <summary>Prefixes reader failures with the file, so the one error line says which backup failed.</summary>
    public static async Task<T> Guard<T>(string file, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (InvalidBackupException ex)
        {
            throw new CliException($"{file}: {ex.Message}", ExitCodes.Failure, ex);
        }
    }
}
