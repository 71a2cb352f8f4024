using System.Buffers;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// A response body read whole into a buffer rented from the shared pool, for callers that parse the bytes in one
/// pass (list pages); disposing returns the buffer, so reading page after page allocates no new large arrays.
/// </summary>
public sealed class ResponseBody : IDisposable
{
    private const int InitialSize = 64 * 1024;
    private byte[]? _buffer;
    private readonly int _length;

    private ResponseBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    /// <summary>The body's bytes; valid until disposed.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer is { } buffer ? buffer.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(ResponseBody));

    /// <summary>Reads <paramref name="content"/> to its end.</summary>
    public static async Task<ResponseBody> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var hint = content.Headers.ContentLength is { } known and > 0 and < int.MaxValue ? (int)known + 1 : InitialSize;
        var buffer = ArrayPool<byte>.Shared.Rent(hint);
        var length = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new ResponseBody(buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
