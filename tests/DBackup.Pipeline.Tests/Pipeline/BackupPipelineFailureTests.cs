using System.Runtime.CompilerServices;
using System.Text;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Pipeline;

public sealed class BackupPipelineFailureTests : IDisposable
{
    private const string Canary = "canary-7f3a9c";
    private static readonly EncryptionKey Key = PipelineSome.Key(5);
    private readonly TempDirectory _dir = new("dbackup-pipeline-test");

    public void Dispose() => _dir.Dispose();

    private BackupRequest Request(EncryptionKey? key = null) =>
        PipelineSome.Request(key, secrets: key is not null) with { TempDirectory = _dir.Path, Compression = CompressionAlgorithm.None };

    private async IAsyncEnumerable<BackupObject> Objects(int count, Action<int>? afterEach = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return PipelineSome.Secret("ns", $"s{i}", Canary);
            afterEach?.Invoke(i);
        }
    }

    [Fact]
    public async Task WriteAsync_LeavesNothing_WhenCancelledMidWrite()
    {
        var destination = new InMemoryDestination();
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new BackupPipeline().WriteAsync(
            Request(Key), Objects(1000, i => { if (i == 500) { cts.Cancel(); } }), destination, cts.Token));

        Assert.Empty(destination.Keys);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task WriteAsync_LeavesNothing_WhenCancelledDuringUpload()
    {
        var destination = new InMemoryDestination();
        using var cts = new CancellationTokenSource();
        destination.BeforePut = _ => cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new BackupPipeline().WriteAsync(Request(Key), Objects(200), destination, cts.Token));

        Assert.Empty(destination.Keys);
        Assert.Single(destination.Aborted);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task WriteAsync_LeavesNothing_WhenSourceThrows()
    {
        var destination = new InMemoryDestination();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new BackupPipeline().WriteAsync(
            Request(Key), Objects(100, i => { if (i == 42) { throw new InvalidOperationException("source broke"); } }), destination, default));

        Assert.Equal("source broke", ex.Message);
        Assert.Empty(destination.Keys);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task WriteAsync_RemovesPayload_WhenMetaPutFails()
    {
        var destination = new InMemoryDestination
        {
            BeforePut = key => { if (key.EndsWith(".meta.json", StringComparison.Ordinal)) { throw new IOException("disk full"); } },
        };

        await Assert.ThrowsAsync<IOException>(() => new BackupPipeline().WriteAsync(Request(Key), Objects(10), destination, default));

        Assert.Empty(destination.Keys);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task WriteAsync_KeepsSpoolPrivateAndEncrypted_WhileWriting()
    {
        var destination = new InMemoryDestination();
        var checkedSpool = false;

        void Inspect(int i)
        {
            if (i != 299 || OperatingSystem.IsWindows())
            {
                return;
            }

            var spool = Assert.Single(Directory.GetDirectories(_dir.Path));
            Assert.StartsWith(SpoolDirectory.NamePrefix, Path.GetFileName(spool), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(spool));
            var files = Directory.GetFiles(spool);
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                using var stream = new FileStream(file, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite });
                var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                Assert.DoesNotContain(Canary, Encoding.Latin1.GetString(bytes.ToArray()), StringComparison.Ordinal);
                // An object's name as its JSON holds it, quoted: a bare "s10" (3 bytes) turns up in this much random
                // ciphertext a few times in a thousand runs.
                Assert.DoesNotContain("\"s10\"", Encoding.Latin1.GetString(bytes.ToArray()), StringComparison.Ordinal);
            }

            checkedSpool = true;
        }

        Assert.Contains("\"s10\"", Encoding.UTF8.GetString(PipelineSome.Secret("ns", "s10", Canary).Json.Span), StringComparison.Ordinal);
        var result = await new BackupPipeline().WriteAsync(Request(Key), Objects(300, Inspect), destination, default);

        Assert.True(checkedSpool);
        Assert.Equal(300, result.Meta.Objects);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
        Assert.DoesNotContain(Canary, Encoding.Latin1.GetString(destination.Get(result.PayloadKey)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_AbortsPayload_WhenDestinationStreamFails()
    {
        var destination = new FailingDestination(failAfterBytes: 4096);

        await Assert.ThrowsAsync<IOException>(() => new BackupPipeline().WriteAsync(Request(Key), Objects(500), destination, default));

        Assert.Empty(destination.Inner.Keys);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    /// <summary>Fails the payload upload after some bytes, as a dropped connection would.</summary>
    private sealed class FailingDestination(long failAfterBytes) : DBackup.Pipeline.Storage.IBackupDestination
    {
        public InMemoryDestination Inner { get; } = new();

        public string Location => Inner.Location;

        public Task<long> PutAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
            Inner.PutAsync(key, (s, ct) => write(new Limited(s, failAfterBytes), ct), cancellationToken);

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => Inner.OpenReadAsync(key, cancellationToken);

        public IAsyncEnumerable<DBackup.Pipeline.Storage.StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => Inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Inner.DeleteAsync(key, cancellationToken);

        private sealed class Limited(Stream inner, long limit) : Stream
        {
            private long _written;

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush() => inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                _written += buffer.Length;
                return _written > limit ? throw new IOException("connection reset") : inner.WriteAsync(buffer, cancellationToken);
            }
        }
    }
}
