namespace DBackup.Pipeline.Storage;

/// <summary>Local folder and file chores (destination, spool, history): private modes, cleanup.</summary>
internal static class LocalFiles
{
    /// <summary>rw------- for backup and temp files.</summary>
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rwx------ for folders the destination creates.</summary>
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates missing folders with mode 0700 (existing ones keep their mode).</summary>
    public static void CreateFolders(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, PrivateDirectory);
        }
    }

    /// <summary>Creates the folder if needed and forces mode 0700, also on a folder that already existed.</summary>
    public static string EnsurePrivateFolder(string folder)
    {
        CreateFolders(folder);
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(folder) != PrivateDirectory)
        {
            File.SetUnixFileMode(folder, PrivateDirectory);
        }

        return folder;
    }

    /// <summary>Creates a new file for writing with mode 0600 (on Unix); fails if it exists.</summary>
    public static FileStream CreatePrivateFile(string path, FileShare share, FileOptions options = FileOptions.None, int bufferSize = 4096)
    {
        var streamOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = share,
            Options = options,
            BufferSize = bufferSize,
        };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = PrivateFile;
        }

        return new FileStream(path, streamOptions);
    }

    /// <summary>Removes <paramref name="folder"/> and its parents while empty, stopping below <paramref name="root"/>.</summary>
    public static void RemoveEmptyParents(string folder, string root)
    {
        while (folder.Length > root.Length && folder.StartsWith(root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    return;
                }

                Directory.Delete(folder, recursive: false);
            }
            catch (IOException)
            {
                // Not empty any more (a concurrent write) or already gone: either way nothing to clean.
                return;
            }

            folder = Path.GetDirectoryName(folder)!;
        }
    }

    /// <summary>Deletes a file, ignoring failures.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort on the failure path; the original exception is what matters.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
