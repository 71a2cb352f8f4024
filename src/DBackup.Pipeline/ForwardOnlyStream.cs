namespace DBackup.Pipeline;

/// <summary>
/// Base of the pipeline's wrapper streams, which all move forward only: no seeking, no length, no
/// position. Subclasses say whether they read or write and implement only that.
/// </summary>
internal abstract class ForwardOnlyStream : Stream
{
    /// <inheritdoc />
    public sealed override bool CanSeek => false;

    /// <inheritdoc />
    public sealed override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public sealed override void SetLength(long value) => throw new NotSupportedException();
}
