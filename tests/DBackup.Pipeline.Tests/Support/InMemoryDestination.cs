using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>
/// An <see cref="IBackupDestination"/> in memory that honours the all-or-nothing contract: an object appears only
/// when its writer returned successfully.
/// </summary>
public sealed class InMemoryDestination : IBackupDestination
{
    private readonly ConcurrentDictionary<string, (byte[] Data, DateTimeOffset Time)> _objects = new(StringComparer.Ordinal);

    public string Location => "memory://test";

    /// <summary>Keys of completed puts, in order.</summary>
    public ConcurrentQueue<string> PutLog { get; } = new();

    /// <summary>Keys whose put was aborted.</summary>
    public ConcurrentQueue<string> Aborted { get; } = new();

    /// <summary>When set, called before a put's writer runs; throwing from it fails the put.</summary>
    public Action<string>? BeforePut { get; set; }

    public IReadOnlyCollection<string> Keys => _objects.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

    public byte[] Get(string key) => _objects[key].Data;

    public void Set(string key, byte[] data) => _objects[key] = (data, DateTimeOffset.UtcNow);

    public async Task<long> PutAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"unsafe key '{key}'", nameof(key));
        }

        BeforePut?.Invoke(key);
        using var buffer = new MemoryStream();
        try
        {
            await write(new UnseekableStream(buffer), cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            Aborted.Enqueue(key);
            throw;
        }

        _objects[key] = (buffer.ToArray(), DateTimeOffset.UtcNow);
        PutLog.Enqueue(key);
        return buffer.Length;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        _objects.TryGetValue(key, out var entry)
            ? Task.FromResult<Stream>(new MemoryStream(entry.Data, writable: false))
            : throw new BackupNotFoundException($"no object '{key}' in {Location}");

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var (key, entry) in _objects.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return new StoredObject(key, entry.Data.Length, entry.Time);
            }
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        _objects.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    /// <summary>Hides seeking, as a real upload stream does.</summary>
    private sealed class UnseekableStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}
