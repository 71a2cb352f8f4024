using System.Runtime.CompilerServices;
using DBackup.Pipeline;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>A destination decorator that reports bytes written and read to a <see cref="Progress"/> line.</summary>
internal sealed class ProgressDestination(IBackupDestination inner, Progress progress) : IBackupDestination
{
    /// <inheritdoc />
    public string Location => inner.Location;

    /// <inheritdoc />
    public Task<long> PutAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        inner.PutAsync(key, (stream, ct) => write(new CountingStream(stream, progress), ct), cancellationToken);

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        new CountingStream(await inner.OpenReadAsync(key, cancellationToken).ConfigureAwait(false), progress, owns: true);

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in inner.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    /// <summary>Passes bytes through and counts them; disposes the inner stream only when it owns it.</summary>
    private sealed class CountingStream(Stream inner, Progress progress, bool owns = false) : ForwardOnlyStream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanWrite => inner.CanWrite;

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            progress.AddBytes(count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            progress.AddBytes(buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            if (disposing && owns)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (owns)
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        private int Counted(int n)
        {
            progress.AddBytes(n);
            return n;
        }
    }
}
