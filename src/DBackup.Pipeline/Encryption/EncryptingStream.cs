using System.Security.Cryptography;

namespace DBackup.Pipeline.Encryption;

/// <summary>
/// Write-only stream that seals its input into AES-GCM segments (see <see cref="SegmentHeader"/>) with constant
/// memory. <see cref="FinishAsync"/> seals the last segment; disposing without finishing leaves an
/// unterminated stream that will never authenticate, which is what an aborted write should leave.
/// </summary>
internal sealed class EncryptingStream : ForwardOnlyStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly SegmentHeader _header;
    private readonly AesGcm _aes;
    private readonly byte[] _plain;
    private readonly byte[] _sealed;
    private readonly byte[] _nonce = new byte[12];
    private int _filled;
    private long _counter;
    private bool _headerWritten;
    private bool _finished;

    public EncryptingStream(Stream inner, EncryptionKey profileKey, int segmentSize, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _header = SegmentHeader.Create(profileKey, segmentSize, out var dataKey);
        try
        {
            _aes = new AesGcm(dataKey, SegmentHeader.TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        _plain = new byte[segmentSize];
        _sealed = new byte[segmentSize + SegmentHeader.TagSize];
    }

    public SegmentHeader Header => _header;

    /// <summary>Plaintext bytes written so far.</summary>
    public long PlaintextBytes { get; private set; }

    public override bool CanRead => false;

    public override bool CanWrite => !_finished;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
        if (!_headerWritten)
        {
            _inner.Write(_header.Bytes);
            _headerWritten = true;
        }

        while (buffer.Length > 0)
        {
            // A full buffer is sealed only once more data arrives: only then is it known not to be the last segment.
            if (_filled == _plain.Length)
            {
                _inner.Write(_sealed, 0, Seal(last: false));
            }

            var n = Math.Min(buffer.Length, _plain.Length - _filled);
            buffer[..n].CopyTo(_plain.AsSpan(_filled));
            _filled += n;
            PlaintextBytes += n;
            buffer = buffer[n..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        if (!_headerWritten)
        {
            await _inner.WriteAsync(_header.Bytes, cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }

        while (buffer.Length > 0)
        {
            if (_filled == _plain.Length)
            {
                await _inner.WriteAsync(_sealed.AsMemory(0, Seal(last: false)), cancellationToken).ConfigureAwait(false);
            }

            var n = Math.Min(buffer.Length, _plain.Length - _filled);
            buffer.Span[..n].CopyTo(_plain.AsSpan(_filled));
            _filled += n;
            PlaintextBytes += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>Seals the final segment and flushes. Required for a valid file.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        EnsureWritable();
        if (!_headerWritten)
        {
            await _inner.WriteAsync(_header.Bytes, cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }

        await _inner.WriteAsync(_sealed.AsMemory(0, Seal(last: true)), cancellationToken).ConfigureAwait(false);
        _finished = true;
        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous <see cref="FinishAsync"/>.</summary>
    public void Finish()
    {
        EnsureWritable();
        if (!_headerWritten)
        {
            _inner.Write(_header.Bytes);
            _headerWritten = true;
        }

        _inner.Write(_sealed, 0, Seal(last: true));
        _finished = true;
        _inner.Flush();
    }

    public override void Flush()
    {
        // Segments are sealed only when full; flushing the inner stream is all that can be done.
        if (_headerWritten)
        {
            _inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _headerWritten ? _inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private int Seal(bool last)
    {
        _header.FillNonce(_nonce, _counter, last);
        _aes.Encrypt(_nonce, _plain.AsSpan(0, _filled), _sealed.AsSpan(0, _filled), _sealed.AsSpan(_filled, SegmentHeader.TagSize), _header.Bytes);
        _counter++;
        var length = _filled + SegmentHeader.TagSize;
        _filled = 0;
        return length;
    }

    private void EnsureWritable()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The encrypted stream is already finished.");
        }
    }
}
