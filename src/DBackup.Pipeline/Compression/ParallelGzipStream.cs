using System.Buffers;
using System.IO.Compression;

namespace DBackup.Pipeline.Compression;

/// <summary>
/// Write-only gzip that compresses fixed-size chunks on worker threads and writes them, in order, as
/// consecutive gzip members (RFC 1952 allows a file of several members; gzip, tar and
/// <see cref="GZipStream"/> read them as one stream). Memory is bounded by the chunks in flight.
/// </summary>
/// <remarks>Each chunk starts a fresh deflate window, which costs well under 1% of ratio at 1 MiB chunks.</remarks>
internal sealed class ParallelGzipStream : Stream
{
    public const int DefaultChunkSize = 1024 * 1024;

    private readonly Stream _inner;
    private readonly CompressionLevel _level;
    private readonly int _chunkSize;
    private readonly int _maxInFlight;
    private readonly Queue<Task<(byte[] Buffer, int Length)>> _inFlight = new();
    private byte[] _chunk;
    private int _filled;
    private bool _finished;

    public ParallelGzipStream(Stream inner, CompressionLevel level, int chunkSize = DefaultChunkSize, int? workers = null)
    {
        _inner = inner;
        _level = level;
        _chunkSize = chunkSize;
        _maxInFlight = Math.Max(1, workers ?? Math.Min(Environment.ProcessorCount, 4)) + 1;
        _chunk = ArrayPool<byte>.Shared.Rent(chunkSize);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_finished;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

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
        ArrayPool<byte>.Shared.Return(_chunk);
        _chunk = [];
        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
        // Members are only complete per chunk; flushing mid-chunk would change the output, so do nothing.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

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
                var (buffer, _) = await _inFlight.Dequeue().ConfigureAwait(false);
                ArrayPool<byte>.Shared.Return(buffer);
            }
            catch (Exception)
            {
                // The write already failed; a worker's own failure adds nothing.
            }
        }

        if (_chunk.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = [];
        }
    }

    // Deflate never grows data by more than a few bytes per 16 KiB block, so the output buffer cannot overflow.
    private static (byte[] Buffer, int Length) Compress(byte[] chunk, int length, CompressionLevel level)
    {
        try
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length + length / 1000 + 1024);
            using var output = new MemoryStream(buffer, 0, buffer.Length, writable: true);
            using (var gzip = new GZipStream(output, level, leaveOpen: true))
            {
                gzip.Write(chunk, 0, length);
            }

            return (buffer, (int)output.Position);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
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
        _chunk = ArrayPool<byte>.Shared.Rent(_chunkSize);
        _filled = 0;
    }

    private async Task WriteOldestAsync(CancellationToken ct)
    {
        var (buffer, length) = await _inFlight.Dequeue().ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(buffer.AsMemory(0, length), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
