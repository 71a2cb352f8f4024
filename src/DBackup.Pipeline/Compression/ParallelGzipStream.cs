using System.Buffers;
using System.IO.Compression;

namespace DBackup.Pipeline.Compression;

/// <summary>
/// Write-only gzip that compresses fixed-size chunks on worker threads and writes them, in order, as
/// consecutive gzip members (RFC 1952 allows a file of several members; gzip, tar and
/// <see cref="GZipStream"/> read them as one stream). Memory is bounded by the chunks in flight.
/// </summary>
/// <remarks>Each chunk starts a fresh deflate window, which costs well under 1% of ratio at 1 MiB chunks.</remarks>
internal sealed class ParallelGzipStream : ForwardOnlyStream
{
    public const int DefaultChunkSize = 1024 * 1024;

    private readonly Stream _inner;
    private readonly CompressionLevel _level;
    private readonly int _chunkSize;
    private readonly int _maxInFlight;
    private readonly Queue<Task<Member>> _inFlight = new();
    private readonly ArrayPool<byte> _pool;
    private byte[] _chunk;
    private int _filled;
    private bool _finished;

    public ParallelGzipStream(Stream inner, CompressionLevel level, int chunkSize = DefaultChunkSize, int? workers = null)
    {
        _inner = inner;
        _level = level;
        _chunkSize = chunkSize;
        _maxInFlight = Math.Max(1, workers ?? Math.Min(Environment.ProcessorCount, 4)) + 1;
        // A pool of our own: buffers are reused within this stream and released with it, instead of being
        // kept process-wide by the shared pool after the backup is done.
        _pool = ArrayPool<byte>.Create(chunkSize, (2 * _maxInFlight) + 2);
        _chunk = _pool.Rent(chunkSize);
    }

    public override bool CanRead => false;

    public override bool CanWrite => !_finished;

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (buffer.Length > 0)
        {
            var n = Math.Min(buffer.Length, _chunkSize - _filled);
            buffer.Span[..n].CopyTo(_chunk.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _chunkSize)
            {
                await SubmitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Compresses what is left and writes every pending member. Required for a complete stream.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        // An empty input still becomes one (empty) member, so the output is always valid gzip.
        if (_filled > 0 || _inFlight.Count == 0)
        {
            await SubmitAsync(cancellationToken).ConfigureAwait(false);
        }

        while (_inFlight.Count > 0)
        {
            await WriteOldestAsync(cancellationToken).ConfigureAwait(false);
        }

        _finished = true;
        _pool.Return(_chunk);
        _chunk = [];
        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
        // Members are only complete per chunk; flushing mid-chunk would change the output, so do nothing.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await AbandonAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            AbandonAsync().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    // Disposing without FinishAsync (a failed write) writes nothing more: it only waits for the workers
    // and returns their buffers, so no compression outlives the stream.
    private async Task AbandonAsync()
    {
        _finished = true;
        while (_inFlight.Count > 0)
        {
            try
            {
                Release(await _inFlight.Dequeue().ConfigureAwait(false));
            }
            catch (Exception)
            {
                // The write already failed; a worker's own failure adds nothing.
            }
        }

        if (_chunk.Length > 0)
        {
            _pool.Return(_chunk);
            _chunk = [];
        }
    }

    // Compressed output fits the chunk size unless the data is incompressible; then a growable buffer is used.
    private Member Compress(byte[] chunk, int length, CompressionLevel level)
    {
        try
        {
            var buffer = _pool.Rent(_chunkSize);
            try
            {
                return new Member(buffer, CompressInto(new MemoryStream(buffer, 0, buffer.Length, writable: true), chunk, length, level), Pooled: true);
            }
            catch (NotSupportedException)
            {
                _pool.Return(buffer);
                var growable = new MemoryStream(length + (length / 100) + 1024);
                var written = CompressInto(growable, chunk, length, level);
                return new Member(growable.GetBuffer(), written, Pooled: false);
            }
        }
        finally
        {
            _pool.Return(chunk);
        }
    }

    private static int CompressInto(MemoryStream output, byte[] chunk, int length, CompressionLevel level)
    {
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(chunk, 0, length);
        }

        return (int)output.Position;
    }

    private async Task SubmitAsync(CancellationToken ct)
    {
        if (_inFlight.Count >= _maxInFlight)
        {
            await WriteOldestAsync(ct).ConfigureAwait(false);
        }

        var chunk = _chunk;
        var length = _filled;
        var level = _level;
        _inFlight.Enqueue(Task.Run(() => Compress(chunk, length, level), ct));
        _chunk = _pool.Rent(_chunkSize);
        _filled = 0;
    }

    private async Task WriteOldestAsync(CancellationToken ct)
    {
        var member = await _inFlight.Dequeue().ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(member.Buffer.AsMemory(0, member.Length), ct).ConfigureAwait(false);
        }
        finally
        {
            Release(member);
        }
    }

    private void Release(Member member)
    {
        if (member.Pooled)
        {
            _pool.Return(member.Buffer);
        }
    }

    private readonly record struct Member(byte[] Buffer, int Length, bool Pooled);
}
