namespace DBackup.Pipeline.Storage;

/// <summary>
/// Backups in a folder, typically a mounted PVC. Objects are files with mode 0600 below <see cref="Root"/>.
/// </summary>
/// <remarks>
/// <see cref="PutAsync"/> writes into a private temp folder (<c>.dbackup-tmp</c>, mode 0700) under the root,
/// fsyncs, then renames into place, so a reader never sees a half-written file and a crash leaves at most a
/// temp file that the next write on this root does not list. The temp folder lives on the same file system
/// as the target, which is what makes the rename atomic.
/// </remarks>
public sealed class FilesystemDestination : IBackupDestination
{
    /// <summary>Name of the private temp folder under the root; never listed, never a valid key.</summary>
    public const string TempFolderName = ".dbackup-tmp";

    /// <summary>Creates a destination rooted at <paramref name="root"/> (created on first write if missing).</summary>
    /// <param name="root">Folder path, relative paths are resolved against the current directory.</param>
    /// <param name="removeEmptyFolders">Whether <see cref="DeleteAsync"/> removes folders it leaves empty (never the root).</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public FilesystemDestination(string root, bool removeEmptyFolders = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        RemoveEmptyFolders = removeEmptyFolders;
    }

    /// <summary>Absolute path of the root folder.</summary>
    public string Root { get; }

    /// <summary>Whether deletes remove folders they leave empty.</summary>
    public bool RemoveEmptyFolders { get; }

    /// <inheritdoc />
    public string Location => Root;

    /// <inheritdoc />
    public async Task<long> PutAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();

        var tempFolder = LocalFiles.EnsurePrivateFolder(Path.Combine(Root, TempFolderName));
        var tempPath = Path.Combine(tempFolder, $"{Guid.NewGuid():N}.tmp");
        try
        {
            long length;
            await using (var file = LocalFiles.CreatePrivateFile(tempPath, FileShare.None, FileOptions.Asynchronous))
            {
                // The writer may dispose what it is given (a GZipStream without leaveOpen); the fsync below still needs the file.
                await write(new KeepOpenStream(file), cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                length = file.Length;
            }

            MoveIntoPlace(tempPath, target);
            DirectorySync.TrySync(Path.GetDirectoryName(target)!);
            return length;
        }
        catch
        {
            LocalFiles.TryDelete(tempPath);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException
            || (ex is UnauthorizedAccessException && Directory.Exists(path)))
        {
            throw new BackupNotFoundException($"No backup object '{key}' in {Location}.", ex);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return Directory.Exists(Root) ? List(prefix, cancellationToken).ToAsyncEnumerable() : AsyncEnumerable.Empty<StoredObject>();
    }

    private List<StoredObject> List(string prefix, CancellationToken cancellationToken)
    {
        var enumeration = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            // Symlinks could point outside the root; a backup folder has no reason to contain any.
            AttributesToSkip = FileAttributes.ReparsePoint,
        };
        var found = new List<StoredObject>();
        foreach (var path in Directory.EnumerateFiles(Root, "*", enumeration))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || IsInTempFolder(key) || !StorageKey.IsValid(key))
            {
                continue;
            }

            var info = new FileInfo(path);
            if (info.Exists)
            {
                found.Add(new StoredObject(key, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return found;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.CompletedTask;
        }

        if (RemoveEmptyFolders)
        {
            LocalFiles.RemoveEmptyParents(Path.GetDirectoryName(path)!, Root);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => Location;

    private string PathOf(string key)
    {
        StorageKey.Validate(key);
        if (IsInTempFolder(key))
        {
            throw new ArgumentException($"'{key}' is not a valid backup object key: '{TempFolderName}' is reserved.", nameof(key));
        }

        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static bool IsInTempFolder(string key) =>
        key == TempFolderName || key.StartsWith(TempFolderName + "/", StringComparison.Ordinal);

    private void MoveIntoPlace(string tempPath, string target)
    {
        var folder = Path.GetDirectoryName(target)!;
        for (var attempt = 0; ; attempt++)
        {
            LocalFiles.CreateFolders(folder);
            try
            {
                // rename(2): atomic replace on the same file system.
                File.Move(tempPath, target, overwrite: true);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A concurrent delete removed the (then empty) policy folder; create it again.
            }
        }
    }
}
