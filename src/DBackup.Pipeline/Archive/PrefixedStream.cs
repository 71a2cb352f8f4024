namespace DBackup.Pipeline.Archive;

/// <summary>Replays bytes already read (to sniff a format) before the rest of the inner stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ForwardOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;

    public override bool CanWrite => false;

    /// <summary>Reads up to <paramref name="count"/> bytes from <paramref name="inner"/> and returns them with a stream that replays them.</summary>
    public static async Task<(ReadOnlyMemory<byte> Head, Stream Stream)> SniffAsync(Stream inner, int count, CancellationToken ct)
    {
        var head = new byte[count];
        var n = await inner.ReadAtLeastAsync(head, count, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return (head.AsMemory(0, n), new PrefixedStream(head.AsMemory(0, n), inner));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.Length > 0)
        {
            return TakePrefix(buffer);
        }

        return inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _prefix.Length > 0 ? ValueTask.FromResult(TakePrefix(buffer.Span)) : inner.ReadAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int TakePrefix(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
}
