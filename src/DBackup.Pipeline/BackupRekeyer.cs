using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline;

/// <summary>The outcome of <see cref="BackupRekeyer.RekeyAsync"/>.</summary>
/// <param name="Meta">The meta.json now stored (the old one when skipped).</param>
/// <param name="PayloadKey">Key of the payload now stored.</param>
/// <param name="MetaKey">Key of the meta.json now stored.</param>
/// <param name="Skipped">True when the backup was already encrypted with the new key and nothing was written.</param>
public sealed record RekeyResult(BackupMeta Meta, string PayloadKey, string MetaKey, bool Skipped);

/// <summary>
/// Re-encrypts a stored backup under a new profile key with a fresh data key, streaming (constant memory).
/// Unencrypted backups get encrypted (<c>.tar.gz</c> becomes <c>.tar.gz.enc</c>).
/// </summary>
/// <remarks>
/// Order: verify the old backup completely; stream decrypt-old/encrypt-new into the new payload, checking
/// the decrypted bytes hash like the verified pass (a mismatch aborts the upload); read the new payload back
/// and verify it with the new key; write the new meta.json last. When the payload key changes, the old
/// meta.json and then the old payload are deleted afterwards. When it does not, the destination's atomic put
/// replaces the payload, and until the new meta.json lands the old meta no longer matches: the backup reads
/// without meta (the header is self-describing) but a reader given the stale meta refuses it.
/// </remarks>
/// <param name="limits">Read bounds; null for <see cref="ReadLimits.Default"/>.</param>
public sealed class BackupRekeyer(ReadLimits? limits = null)
{
    private readonly ReadLimits _limits = limits ?? ReadLimits.Default;

    /// <summary>Re-encrypts one backup.</summary>
    /// <param name="destination">Where the backup is stored.</param>
    /// <param name="key">The backup's payload key or meta key.</param>
    /// <param name="oldKeys">Keys that can decrypt the backup now.</param>
    /// <param name="newKey">The key to encrypt under.</param>
    /// <param name="newProfileName">Profile name to record; null keeps the old one.</param>
    /// <param name="force">Re-encrypt even if the backup already uses <paramref name="newKey"/>.</param>
    /// <param name="cancellationToken">Cancels; the old backup stays intact until the new payload is complete.</param>
    /// <exception cref="InvalidBackupException">The backup has no meta.json, fails verification, or no old key fits.</exception>
    /// <exception cref="BackupNotFoundException">The payload does not exist.</exception>
    public async Task<RekeyResult> RekeyAsync(IBackupDestination destination, string key, KeyRing oldKeys, EncryptionKey newKey,
        string? newProfileName = null, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(oldKeys);
        ArgumentNullException.ThrowIfNull(newKey);
        var payloadKey = BackupName.PayloadKeyOf(key);
        var metaKey = BackupName.MetaKey(payloadKey);
        var meta = await BackupReader.TryLoadMetaAsync(destination, metaKey, _limits, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidBackupException($"{payloadKey} has no meta.json; an incomplete backup is not re-keyed");
        if (!force && meta.Encryption.Enabled && meta.Encryption.KeyId == newKey.KeyId)
        {
            return new RekeyResult(meta, payloadKey, metaKey, Skipped: true);
        }

        var oldReader = new BackupReader(ct => destination.OpenReadAsync(payloadKey, ct), oldKeys, meta, _limits);
        var verified = await oldReader.VerifyAsync(cancellationToken).ConfigureAwait(false);

        var newPayloadKey = NewPayloadKey(payloadKey, meta);
        var segmentSize = meta.Encryption.SegmentSize ?? SegmentHeader.DefaultSegmentSize;
        SegmentHeader? header = null;
        long bytes = 0;
        var sha = string.Empty;
        await destination.PutAsync(newPayloadKey, async (stream, ct) =>
        {
            await using var measured = new MeasuringStream(stream, hash: true, leaveOpen: true);
            await using var cipher = new EncryptingStream(measured, newKey, segmentSize, leaveOpen: true);
            await oldReader.CopyInnerAsync(cipher, verified, ct).ConfigureAwait(false);
            await cipher.FinishAsync(ct).ConfigureAwait(false);
            header = cipher.Header;
            bytes = measured.Bytes;
            sha = measured.HashHex();
        }, cancellationToken).ConfigureAwait(false);

        var newMeta = meta with
        {
            Encryption = header!.ToInfo(newProfileName ?? meta.Encryption.Profile),
            Sizes = meta.Sizes with { PayloadBytes = bytes },
            Sha256 = sha,
            PayloadKey = newPayloadKey,
        };
        var newMetaKey = BackupName.MetaKey(newPayloadKey);
        try
        {
            await new BackupReader(ct => destination.OpenReadAsync(newPayloadKey, ct), new KeyRing(newKey), newMeta, _limits)
                .VerifyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (newPayloadKey != payloadKey)
        {
            await destination.DeleteAsync(newPayloadKey, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var json = newMeta.ToJsonBytes();
        await destination.PutAsync(newMetaKey, (s, ct) => s.WriteAsync(json, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        if (newPayloadKey != payloadKey)
        {
            // Old meta first: a payload without meta is merely incomplete, a meta without payload is a broken listing.
            await destination.DeleteAsync(metaKey, CancellationToken.None).ConfigureAwait(false);
            await destination.DeleteAsync(payloadKey, CancellationToken.None).ConfigureAwait(false);
        }

        return new RekeyResult(newMeta, newPayloadKey, newMetaKey, Skipped: false);
    }

    private static string NewPayloadKey(string payloadKey, BackupMeta meta)
    {
        if (BackupName.TryParseKey(payloadKey, out var policy, out var name, out _))
        {
            var folder = payloadKey[..payloadKey.LastIndexOf('/')];
            var file = BackupName.PayloadKey(policy, name, meta.Compression.Algorithm == Compressor.GzipName, encrypted: true);
            return $"{folder}/{file[(file.IndexOf('/', StringComparison.Ordinal) + 1)..]}";
        }

        return payloadKey.EndsWith(".enc", StringComparison.Ordinal) ? payloadKey : payloadKey + ".enc";
    }
}
