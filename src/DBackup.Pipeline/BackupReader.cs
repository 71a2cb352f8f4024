using System.Runtime.CompilerServices;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline;

/// <summary>
/// Reads a stored backup safely: inspect the manifest, verify everything, enumerate verified objects, or
/// produce the plain <c>.tar.gz</c>. Input is treated as hostile: paths, entry types, sizes and counts are
/// checked and bounded by <see cref="ReadLimits"/>, and every failure is an <see cref="InvalidBackupException"/>
/// with a one-line message.
/// </summary>
/// <remarks>
/// Operations that stream data out (<see cref="ReadObjectsAsync"/>, <see cref="DecryptToAsync"/>) first verify the
/// whole backup in one pass, then re-open the payload and stream it again, checking each entry (or the whole
/// payload hash) against what the first pass verified; <see cref="ReadAllObjectsAsync{T}"/> holds the objects of one
/// pass in memory until it ends. So nothing is emitted from a backup that fails.
/// </remarks>
public sealed class BackupReader
{
    private readonly Func<CancellationToken, Task<Stream>> _open;
    private readonly KeyRing _keys;
    private readonly ReadLimits _limits;

    /// <summary>Creates a reader over a payload that can be opened more than once.</summary>
    /// <param name="openPayload">Opens the payload from its start; called once per pass.</param>
    /// <param name="keys">Keys for encrypted payloads (null: unencrypted only).</param>
    /// <param name="meta">The backup's meta.json, if known; it is then checked against the payload.</param>
    /// <param name="limits">Bounds; null for <see cref="ReadLimits.Default"/>.</param>
    public BackupReader(Func<CancellationToken, Task<Stream>> openPayload, KeyRing? keys = null, BackupMeta? meta = null, ReadLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(openPayload);
        _open = openPayload;
        _keys = keys ?? KeyRing.Empty;
        Meta = meta;
        _limits = limits ?? ReadLimits.Default;
    }

    /// <summary>The meta.json this reader checks against, if any.</summary>
    public BackupMeta? Meta { get; }

    /// <summary>A reader over a local payload file.</summary>
    public static BackupReader FromFile(string path, KeyRing? keys = null, BackupMeta? meta = null, ReadLimits? limits = null) =>
        new(_ => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan)),
            keys, meta, limits);

    /// <summary>
    /// A reader over a backup in a destination. <paramref name="key"/> is the payload key or its meta key; the
    /// meta.json is loaded when it exists (a missing one is allowed: the payload is self-describing).
    /// </summary>
    /// <exception cref="BackupNotFoundException">The payload does not exist.</exception>
    /// <exception cref="InvalidBackupException">The meta.json exists but is malformed or too large.</exception>
    public static async Task<BackupReader> FromDestinationAsync(
        IBackupDestination destination, string key, KeyRing? keys = null, ReadLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(key);
        limits ??= ReadLimits.Default;
        var payloadKey = BackupName.PayloadKeyOf(key);
        var meta = await TryLoadMetaAsync(destination, BackupName.MetaKey(payloadKey), limits, cancellationToken).ConfigureAwait(false);
        return new BackupReader(ct => destination.OpenReadAsync(payloadKey, ct), keys, meta, limits);
    }

    /// <summary>Loads and parses a meta.json, or returns null when it does not exist.</summary>
    /// <exception cref="InvalidBackupException">It is malformed or larger than <see cref="ReadLimits.MaxMetaBytes"/>.</exception>
    public static async Task<BackupMeta?> TryLoadMetaAsync(IBackupDestination destination, string metaKey, ReadLimits? limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        limits ??= ReadLimits.Default;
        Stream stream;
        try
        {
            stream = await destination.OpenReadAsync(metaKey, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupNotFoundException)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            // Grow as needed up to the limit: most meta.json files are a few KiB.
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int n;
            while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > limits.MaxMetaBytes)
                {
                    throw new InvalidBackupException($"{metaKey} is larger than {limits.MaxMetaBytes} bytes");
                }

                buffer.Write(chunk, 0, n);
            }

            return BackupMeta.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
    }

    /// <summary>
    /// Reads only the start of the payload and reports its encryption: no key is needed, so <c>inspect</c> can say
    /// which key a backup wants. Returns <see cref="EncryptionInfo.None"/> for an unencrypted payload. The meta.json
    /// (if any) is checked against the header, which is authoritative.
    /// </summary>
    /// <exception cref="InvalidBackupException">The payload is empty, its encryption header is malformed, or the
    /// meta.json's encryption fields contradict it.</exception>
    public async Task<EncryptionInfo> ReadEncryptionAsync(CancellationToken cancellationToken)
    {
        var source = await _open(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            return await Guard.RunAsync(async () =>
            {
                var (head, sniffed) = await PrefixedStream.SniffAsync(source, SegmentHeader.Magic.Length, cancellationToken).ConfigureAwait(false);
                if (head.Length == 0)
                {
                    throw new InvalidBackupException("the payload is empty");
                }

                var header = head.Span.SequenceEqual(SegmentHeader.Magic)
                    ? await SegmentHeader.ReadAsync(sniffed, cancellationToken).ConfigureAwait(false)
                    : null;
                if (Meta is not null)
                {
                    MetaChecks.AgainstHeader(Meta, header);
                }

                return header?.ToInfo(Meta?.Encryption.Profile) ?? EncryptionInfo.None;
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the encryption header and the manifest only (for <c>inspect</c>); entries are not verified.</summary>
    /// <exception cref="InvalidBackupException">Header, manifest or meta.json are invalid, or no key matches.</exception>
    public async Task<BackupInspection> InspectAsync(CancellationToken cancellationToken)
    {
        var source = await _open(cancellationToken).ConfigureAwait(false);
        await using var scan = await ArchiveScan.OpenAsync(source, _keys, Meta, _limits, cancellationToken).ConfigureAwait(false);
        return new BackupInspection(scan.Index.Manifest, Meta, scan.Header is not null, scan.Header?.KeyId, scan.Header?.SegmentSize,
            scan.Gzip ? Compressor.GzipName : Compressor.NoneName);
    }

    /// <summary>Decrypts, decompresses and checks every entry, checksum, count and (if given) meta.json field.</summary>
    /// <exception cref="InvalidBackupException">Anything does not hold; the message says what.</exception>
    public async Task<BackupVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var source = await _open(cancellationToken).ConfigureAwait(false);
        await using var scan = await ArchiveScan.OpenAsync(source, _keys, Meta, _limits, cancellationToken).ConfigureAwait(false);
        long objects = 0;
        while (await scan.NextAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            objects++;
        }

        return new BackupVerification(scan.Index.Manifest, scan.Header is not null, scan.Header?.KeyId,
            scan.Gzip ? Compressor.GzipName : Compressor.NoneName, scan.PayloadBytes, scan.PayloadSha256, scan.TarBytes, objects)
        {
            InnerSha256 = scan.InnerSha256,
            ManifestSha256 = scan.ManifestSha256,
        };
    }

    /// <summary>
    /// Verifies the whole backup, then streams its objects in archive order, each re-checked against the
    /// verified manifest. Nothing is yielded if verification fails.
    /// </summary>
    /// <exception cref="InvalidBackupException">The backup fails verification, or changed between the passes.</exception>
    public async IAsyncEnumerable<BackupObject> ReadObjectsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var verified = await VerifyAsync(cancellationToken).ConfigureAwait(false);
        var source = await _open(cancellationToken).ConfigureAwait(false);
        await using var scan = await ArchiveScan.OpenAsync(source, _keys, Meta, _limits, cancellationToken).ConfigureAwait(false);
        if (scan.ManifestSha256 != verified.ManifestSha256)
        {
            throw new InvalidBackupException("the backup changed between verification and reading");
        }

        while (await scan.NextAsync(cancellationToken).ConfigureAwait(false) is { } obj)
        {
            yield return obj;
        }
    }

    /// <summary>
    /// Reads and verifies the whole backup in one pass (half the work of <see cref="ReadObjectsAsync"/> for a caller
    /// that keeps every object anyway, a restore), turning each object into a <typeparamref name="T"/> on the other
    /// cores while the rest is still being read. The results, in archive order, are handed out only after the whole
    /// backup verified; when it fails, its error is thrown after the work already started has ended.
    /// </summary>
    /// <param name="map">Pure work on one object; it may run before the backup is known to be good, so it must not
    /// act on the object (write it anywhere), only compute.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidBackupException">The backup fails verification.</exception>
    public async Task<IReadOnlyList<T>> ReadAllObjectsAsync<T>(Func<BackupObject, T> map, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(map);
        const int BatchSize = 256;
        var batches = new List<Task<T[]>>();
        var pending = new List<BackupObject>(BatchSize);
        try
        {
            var source = await _open(cancellationToken).ConfigureAwait(false);
            await using (var scan = await ArchiveScan.OpenAsync(source, _keys, Meta, _limits, cancellationToken).ConfigureAwait(false))
            {
                while (await scan.NextAsync(cancellationToken).ConfigureAwait(false) is { } obj)
                {
                    pending.Add(obj);
                    if (pending.Count == BatchSize)
                    {
                        var batch = pending.ToArray();
                        pending.Clear();
                        batches.Add(Task.Run(() => Array.ConvertAll(batch, o => map(o)), cancellationToken));
                    }
                }
            }

            // The scan ends only after the last checksum, the object count and the meta.json fields were checked.
            var results = new List<T>();
            foreach (var batch in batches)
            {
                results.AddRange(await batch.ConfigureAwait(false));
            }

            results.AddRange(pending.ConvertAll(o => map(o)));
            return results;
        }
        finally
        {
            // Never leave mapping work running behind a failed read; the read's own error is the one that counts.
            await Task.WhenAll((IEnumerable<Task>)batches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Verifies the whole backup, then writes the decrypted payload (the plain <c>.tar.gz</c>, or <c>.tar</c> if it
    /// was not compressed) to <paramref name="output"/>.
    /// </summary>
    /// <remarks>Write to a temporary file and rename it on success: if the payload changes between the
    /// two passes the copy fails at its end with <see cref="InvalidBackupException"/>.</remarks>
    /// <exception cref="InvalidBackupException">The backup fails verification or changed between the passes.</exception>
    public async Task<BackupVerification> DecryptToAsync(Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var verified = await VerifyAsync(cancellationToken).ConfigureAwait(false);
        await CopyInnerAsync(output, verified, cancellationToken).ConfigureAwait(false);
        return verified;
    }

    /// <summary>Second pass: copies the decrypted bytes and checks they hash like the verified first pass.</summary>
    internal async Task CopyInnerAsync(Stream output, BackupVerification verified, CancellationToken cancellationToken)
    {
        var source = await _open(cancellationToken).ConfigureAwait(false);
        await Guard.RunAsync(async () =>
        {
            await using var layers = await PayloadLayers.OpenAsync(source, _keys, Meta, _limits, cancellationToken).ConfigureAwait(false);
            await layers.InnerSniffed.CopyToAsync(output, 1 << 16, cancellationToken).ConfigureAwait(false);
            await layers.DrainAsync(cancellationToken).ConfigureAwait(false);
            if (layers.Inner.HashHex() != verified.InnerSha256)
            {
                throw new InvalidBackupException("the backup changed between verification and decryption");
            }
        }).ConfigureAwait(false);
    }
}
