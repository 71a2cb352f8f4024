using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>
/// Writes files that may hold keys or Secret values: owner-only (0600) from the first byte, flushed
/// to disk, and renamed into place only when the whole content is written, so a failure or Ctrl-C
/// never leaves a half-written file under the target name.
/// </summary>
internal static class PrivateFile
{
    /// <summary>Writes <paramref name="target"/> through a temp file in its folder; the temp file never outlives the call.</summary>
    /// <exception cref="IOException">The target exists and <paramref name="overwrite"/> is false, or the write failed.</exception>
    public static async Task<T> WriteAsync<T>(string target, bool overwrite, Func<Stream, Task<T>> write)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        try
        {
            T result;
            await using (var stream = LocalFiles.CreatePrivateFile(temp, FileShare.None, FileOptions.Asynchronous))
            {
                result = await write(stream).ConfigureAwait(false);
                await stream.FlushAsync().ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite);
            return result;
        }
        finally
        {
            LocalFiles.TryDelete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8, the same way as <see cref="WriteAsync{T}"/>.</summary>
    public static void WriteText(string target, bool overwrite, string text) =>
        WriteAsync(target, overwrite, async stream =>
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
            return true;
        }).GetAwaiter().GetResult();
}
