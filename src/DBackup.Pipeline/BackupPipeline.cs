using System.Diagnostics;
using System.IO.Pipelines;
using System.Reflection;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline;

/// <summary>
/// Writes backups: objects -> tar (manifest first) -> gzip -> AES-256-GCM segments -> destination, then
/// meta.json last as the commit marker.
/// </summary>
/// <remarks>
/// Memory is constant in the number of objects. While objects arrive they are hashed, turned into tar
/// entries and gzipped on worker threads into a private spool folder (mode 0700, files 0600), encrypted with an
/// ephemeral in-memory key, so compression overlaps with collection. The manifest, which needs every hash, is
/// emitted first at the end, followed by the spooled entries; that final pass only re-encrypts compressed bytes,
/// with encryption/upload on a separate thread behind a bounded pipe. The spool is removed on every exit path.
/// If anything fails or is cancelled, no meta.json is written and the payload upload aborts.
/// Thread-safe: one instance can run several writes at once.
/// </remarks>
/// <param name="timeProvider">Clock for <c>createdAt</c>/<c>completedAt</c>; defaults to the system clock.</param>
public sealed class BackupPipeline(TimeProvider? timeProvider = null)
{
    private const int PipeHighWater = 1024 * 1024;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The version recorded when <see cref="BackupRequest.ToolVersion"/> is not set.</summary>
    public static string ToolVersion { get; } =
        (typeof(BackupPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>Writes one backup and returns its meta once both payload and meta.json are stored.</summary>
    /// <param name="request">What to write; see <see cref="BackupRequest"/>.</param>
    /// <param name="objects">The objects, streamed; never held in memory all at once.</param>
    /// <param name="destination">Where to store the payload and meta.json.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is left behind.</param>
    /// <exception cref="ArgumentException">The request is invalid (e.g. secrets without a key), or an object has an
    /// unsafe name, malformed JSON or a duplicate path.</exception>
    /// <exception cref="OperationCanceledException">The write was cancelled.</exception>
    public async Task<BackupResult> WriteAsync(
        BackupRequest request, IAsyncEnumerable<BackupObject> objects, IBackupDestination destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(destination);
        request.Validate();
        var stopwatch = Stopwatch.StartNew();
        var createdAt = (request.CreatedAt ?? _time.GetUtcNow()).ToUniversalTime();
        var header = new BackupManifest
        {
            ToolVersion = request.ToolVersion ?? ToolVersion,
            Policy = request.Policy,
            Trigger = request.Trigger,
            Cluster = request.Cluster,
            CreatedAt = createdAt,
            IncludesSecrets = request.IncludesSecrets,
        };

        using var archive = await SpooledArchive.CreateAsync(
            header, objects, request.Compression, request.CompressionLevel, request.TempDirectory, _time, cancellationToken).ConfigureAwait(false);
        var compressed = request.Compression != CompressionAlgorithm.None;
        var encrypted = request.Key is not null;
        var name = await UniqueNameAsync(destination, request.Policy, BackupName.For(request.Policy, createdAt), cancellationToken).ConfigureAwait(false);
        var payloadKey = BackupName.PayloadKey(request.Policy, name, compressed, encrypted);

        var payload = new PayloadOutcome();
        var stored = await destination.PutAsync(payloadKey, (stream, ct) => WritePayloadAsync(archive, request, stream, payload, ct), cancellationToken)
            .ConfigureAwait(false);
        if (stored != payload.Bytes)
        {
            await TryDeleteAsync(destination, payloadKey).ConfigureAwait(false);
            throw new IOException($"The destination {destination.Location} stored {stored} bytes of {payloadKey}, but {payload.Bytes} were written.");
        }

        var meta = new BackupMeta
        {
            Name = name,
            Policy = request.Policy,
            Trigger = request.Trigger,
            Cluster = request.Cluster,
            ToolVersion = header.ToolVersion,
            CreatedAt = createdAt,
            CompletedAt = archive.CompletedAt,
            Encryption = payload.Header?.ToInfo(request.ProfileName) ?? EncryptionInfo.None,
            Compression = Compressor.Describe(request.Compression, request.CompressionLevel),
            IncludesSecrets = request.IncludesSecrets,
            Sizes = new SizeInfo { PayloadBytes = payload.Bytes, TarBytes = payload.TarBytes },
            Objects = archive.Objects,
            Sha256 = payload.Sha256,
            PayloadKey = payloadKey,
            Components = archive.ComponentCounts,
        };
        var metaKey = BackupName.MetaKey(payloadKey);
        try
        {
            var json = meta.ToJsonBytes();
            await destination.PutAsync(metaKey, (s, ct) => s.WriteAsync(json, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Without its meta.json the payload is an incomplete backup; remove it rather than leave an orphan.
            await TryDeleteAsync(destination, payloadKey).ConfigureAwait(false);
            throw;
        }

        return new BackupResult(meta, payloadKey, metaKey, stopwatch.Elapsed);
    }

    /// <summary>Picks <paramref name="name"/>, or <c>name-2</c>, <c>name-3</c> ... if a backup of that name exists.</summary>
    internal static async Task<string> UniqueNameAsync(IBackupDestination destination, string policy, string name, CancellationToken ct)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in destination.ListAsync($"{policy}/{name}", ct).ConfigureAwait(false))
        {
            if (BackupName.TryParseKey(item.Key, out _, out var existing, out _))
            {
                taken.Add(existing);
            }
        }

        if (!taken.Contains(name))
        {
            return name;
        }

        for (var n = 2; ; n++)
        {
            var candidate = $"{name}-{n}";
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    // A worker thread emits the compressed tar (manifest part, spooled entries, end records); this thread
    // encrypts, hashes and feeds the destination. The pipe's thresholds bound what sits between them.
    private static async Task WritePayloadAsync(SpooledArchive archive, BackupRequest request, Stream destination, PayloadOutcome outcome, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipeHighWater, resumeWriterThreshold: PipeHighWater / 2, useSynchronizationContext: false));
        var producer = Task.Run(() => ProduceAsync(archive, pipe.Writer, outcome, linked.Token), linked.Token);
        try
        {
            await using var measured = new MeasuringStream(destination, hash: true, leaveOpen: true);
            EncryptingStream? cipher = request.Key is null ? null : new EncryptingStream(measured, request.Key, request.SegmentSize, leaveOpen: true);
            await using (cipher)
            {
                await using (var source = pipe.Reader.AsStream(leaveOpen: true))
                {
                    await source.CopyToAsync((Stream?)cipher ?? measured, 128 * 1024, linked.Token).ConfigureAwait(false);
                }

                await producer.ConfigureAwait(false);
                if (cipher is not null)
                {
                    await cipher.FinishAsync(linked.Token).ConfigureAwait(false);
                }

                outcome.Header = cipher?.Header;
            }

            await measured.FlushAsync(linked.Token).ConfigureAwait(false);
            outcome.Bytes = measured.Bytes;
            outcome.Sha256 = measured.HashHex();
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await pipe.Reader.CompleteAsync(ex).ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The first failure (ex) is the one worth reporting; the producer only saw its consequence.
            }

            throw;
        }
    }

    private static async Task ProduceAsync(SpooledArchive archive, PipeWriter writer, PayloadOutcome outcome, CancellationToken ct)
    {
        try
        {
            await using (var pipeStream = writer.AsStream(leaveOpen: true))
            {
                await archive.WritePayloadAsync(pipeStream, ct).ConfigureAwait(false);
                outcome.TarBytes = archive.TarBytes;
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task TryDeleteAsync(IBackupDestination destination, string key)
    {
        try
        {
            await destination.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the original failure matters more, and a payload without meta.json is never listed.
        }
    }

    private sealed class PayloadOutcome
    {
        public long Bytes { get; set; }

        public long TarBytes { get; set; }

        public string Sha256 { get; set; } = string.Empty;

        public SegmentHeader? Header { get; set; }
    }
}
