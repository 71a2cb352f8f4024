using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Restore;

/// <summary>
/// Finds the backup a restore names and reads it completely before anything is written: the reader decrypts,
/// decompresses and checks every checksum in one pass, and hands out the objects only after the last check.
/// Objects are kept as their UTF-8 JSON bytes, about a kilobyte each for typical configuration.
/// </summary>
internal static class BackupLoader
{
    /// <summary>Resolves <see cref="RestoreRequest.Backup"/> (a name, a payload key or <c>latest</c>) to a complete backup.</summary>
    /// <exception cref="BackupNotFoundException">No such backup, or it is incomplete or broken.</exception>
    public static async Task<BackupInfo> ResolveAsync(RestoreRequest request, CancellationToken ct)
    {
        BackupInfo info;
        try
        {
            info = await BackupCatalog.FindAsync(request.Source, request.Policy ?? FolderOf(request.Backup), request.Backup, ct).ConfigureAwait(false);
        }
        catch (BackupNotFoundException) when (request.AcceptPayloadWithoutMeta && !string.Equals(request.Backup, BackupCatalog.Latest, StringComparison.OrdinalIgnoreCase))
        {
            // A file named exactly, copied without its meta.json: it is verified completely before any write all the same.
            var alone = await BackupCatalog.FindPayloadAloneAsync(request.Source, request.Backup, ct).ConfigureAwait(false);
            if (alone is null)
            {
                throw;
            }

            return alone;
        }

        if (!info.IsRestorable)
        {
            throw new BackupNotFoundException($"backup {info.Name} cannot be restored: {info.Problem}");
        }

        return info;
    }

    /// <summary>The policy folder of a payload key such as <c>nightly/nightly-….tar.gz.enc</c>, so only that folder is listed.</summary>
    private static string? FolderOf(string backup)
    {
        var slash = backup.LastIndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        var folder = backup[..slash];
        try
        {
            BackupName.ValidatePolicy(folder);
            return folder;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks the key before downloading anything, then reads and verifies every object, turning each into a
    /// <typeparamref name="T"/> with <paramref name="prepare"/> while the rest is still read (see
    /// <see cref="BackupReader.ReadAllObjectsAsync{T}"/>); nothing is returned unless the whole backup verified.
    /// </summary>
    /// <exception cref="InvalidBackupException">Wrong or missing key, tampering, truncation, malformed content.</exception>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(RestoreRequest request, BackupInfo info, Func<BackupObject, T> prepare, CancellationToken ct)
    {
        if (info.Meta is { Encryption: { Enabled: true, KeyId: { } keyId } })
        {
            // Fails with a message naming the key id the backup wants and the ids that were offered.
            request.Keys.Get(keyId);
        }

        var reader = await BackupReader.FromDestinationAsync(request.Source, info.PayloadKey, request.Keys, request.Limits, ct).ConfigureAwait(false);
        return await reader.ReadAllObjectsAsync(prepare, ct).ConfigureAwait(false);
    }
}
