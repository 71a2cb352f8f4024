using System.Formats.Tar;
using System.Text.Json;

namespace DBackup.Pipeline.Archive;

/// <summary>Turns the exceptions that malformed input provokes in the BCL readers into <see cref="InvalidBackupException"/>.</summary>
internal static class Guard
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    public static async Task RunAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    private static InvalidBackupException? Translate(Exception ex) => ex switch
    {
        InvalidBackupException => null,
        EndOfStreamException => new InvalidBackupException("the backup is truncated (unexpected end of data)", ex),
        InvalidDataException => new InvalidBackupException($"the backup is corrupt: {OneLine(ex.Message)}", ex),
        FormatException or OverflowException or JsonException => new InvalidBackupException($"the backup is corrupt: {OneLine(ex.Message)}", ex),
        ArgumentException when ex.StackTrace?.Contains(typeof(TarReader).Namespace!, StringComparison.Ordinal) == true =>
            new InvalidBackupException($"the archive is corrupt: {OneLine(ex.Message)}", ex),
        _ => null,
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
