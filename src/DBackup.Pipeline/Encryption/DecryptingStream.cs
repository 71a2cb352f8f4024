using System.Security.Cryptography;

namespace DBackup.Pipeline.Encryption;

/// <summary>
/// Read-only stream that authenticates and decrypts the segments written by <see cref="EncryptingStream"/>,
/// one segment in memory at a time. Any alteration, reordering, truncation or trailing data raises
/// <see cref="InvalidBackupException"/> at the latest when the end is read.
/// </summary>
internal sealed class DecryptingStream : ForwardOnlyStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly SegmentHeader _header;
    private readonly AesGcm _aes;
    private readonly byte[] _sealed;
    private readonly byte[] _plain;
    private readonly byte[] _nonce = new byte[12];
    private int _carry;
    private int _plainPos;
    private int _plainLen;
    private long _counter;
    private bool _done;

    private DecryptingStream(Stream inner, SegmentHeader header, byte[] dataKey, bool leaveOpen)
    {
        _inner = inner;
        _header = header;
        _leaveOpen = leaveOpen;
        _aes = new AesGcm(dataKey, SegmentHeader.TagSize);
        // One extra byte: reading one byte past a full segment tells whether it is the last one.
        _sealed = new byte[header.SegmentSize + SegmentHeader.TagSize + 1];
        _plain = new byte[header.SegmentSize];
    }

    public SegmentHeader Header => _header;

    public override bool CanRead => true;

    public override bool CanWrite => false;

    /// <summary>Reads the header from <paramref name="inner"/>, unwraps the data key and returns the plaintext stream.</summary>
    public static async Task<DecryptingStream> OpenAsync(Stream inner, KeyRing keys, CancellationToken ct, bool leaveOpen = false)
    {
        var header = await SegmentHeader.ReadAsync(inner, ct).ConfigureAwait(false);
        var dataKey = header.UnwrapDataKey(keys);
        try
        {
            return new DecryptingStream(inner, header, dataKey, leaveOpen);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Unwraps the data key of an already read header and returns the plaintext stream over the segments that follow.</summary>
    public static DecryptingStream Open(Stream inner, SegmentHeader header, KeyRing keys, bool leaveOpen = false)
    {
        var dataKey = header.UnwrapDataKey(keys);
        try
        {
            return new DecryptingStream(inner, header, dataKey, leaveOpen);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_plainPos == _plainLen && !FillAsync(useAsync: false, default).GetAwaiter().GetResult())
        {
            return 0;
        }

        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_plainPos == _plainLen && !await FillAsync(useAsync: true, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        return CopyOut(buffer.Span);
    }

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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

    private int CopyOut(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _plainLen - _plainPos);
        _plain.AsSpan(_plainPos, n).CopyTo(buffer);
        _plainPos += n;
        return n;
    }

    // Loops past empty segments so a read returns 0 only at the authenticated end.
    private async ValueTask<bool> FillAsync(bool useAsync, CancellationToken ct)
    {
        while (!_done)
        {
            var want = _sealed.Length - _carry;
            var got = useAsync
                ? await _inner.ReadAtLeastAsync(_sealed.AsMemory(_carry), want, throwOnEndOfStream: false, ct).ConfigureAwait(false)
                : _inner.ReadAtLeast(_sealed.AsSpan(_carry), want, throwOnEndOfStream: false);
            var available = _carry + got;
            var full = _sealed.Length - 1;
            var last = available <= full;
            var sealedLength = last ? available : full;
            if (sealedLength < SegmentHeader.TagSize)
            {
                throw new InvalidBackupException($"the encrypted payload is truncated (segment {_counter} is incomplete)");
            }

            var cipherLength = sealedLength - SegmentHeader.TagSize;
            _header.FillNonce(_nonce, _counter, last);
            try
            {
                _aes.Decrypt(_nonce, _sealed.AsSpan(0, cipherLength), _sealed.AsSpan(cipherLength, SegmentHeader.TagSize),
                    _plain.AsSpan(0, cipherLength), _header.Bytes);
            }
            catch (AuthenticationTagMismatchException ex)
            {
                throw new InvalidBackupException(
                    $"encrypted segment {_counter} failed authentication: the payload was altered, truncated, reordered or has trailing data", ex);
            }

            _counter++;
            _plainPos = 0;
            _plainLen = cipherLength;
            if (last)
            {
                _carry = 0;
                _done = true;
            }
            else
            {
                _sealed[0] = _sealed[full];
                _carry = 1;
            }

            if (_plainLen > 0)
            {
                return true;
            }
        }

        return false;
    }
}
