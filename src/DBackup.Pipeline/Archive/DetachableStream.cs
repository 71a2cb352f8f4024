namespace DBackup.Pipeline.Archive;

/// <summary>
/// Forwards writes until <see cref="Detach"/>, then drops them. Lets a <see cref="System.Formats.Tar.TarWriter"/>
/// write part of an archive: its end-of-archive records, written on dispose, are discarded, so parts written
/// separately can be concatenated (and, gzipped as separate members, still form one valid .tar.gz).
/// </summary>
internal sealed class DetachableStream(Stream inner) : ForwardOnlyStream
{
    private bool _detached;

    public override bool CanRead => false;

    public override bool CanWrite => true;

    public void Detach() => _detached = true;

    public override void Flush()
    {
        if (!_detached)
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _detached ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_detached)
        {
            inner.Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _detached ? ValueTask.CompletedTask : inner.WriteAsync(buffer, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
