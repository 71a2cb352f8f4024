using DBackup.Pipeline.Storage;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Storage;

/// <summary>The behaviour every <see cref="IBackupDestination"/> promises; run once per implementation.</summary>
public abstract class DestinationContractTests : IAsyncLifetime
{
    protected IBackupDestination Destination { get; private set; } = null!;

    protected abstract Task<IBackupDestination> CreateDestinationAsync();

    public async Task InitializeAsync() => Destination = await CreateDestinationAsync();

    public virtual Task DisposeAsync()
    {
        (Destination as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PutAsync_StoresExactContent_WhenReadBack()
    {
        var data = StoragePayload.Random(100_000, seed: 1);

        var size = await Destination.PutAsync("nightly/nightly-20260101T030000Z.tar.gz", data);

        Assert.Equal(data.Length, size);
        Assert.Equal(StoragePayload.Sha256(data), StoragePayload.Sha256(await Destination.ReadAllAsync("nightly/nightly-20260101T030000Z.tar.gz")));
    }

    [Fact]
    public async Task PutAsync_StoresExactContent_WhenLargerThanSeveralParts()
    {
        var data = StoragePayload.Random(21 * 1024 * 1024 + 17, seed: 2);

        var size = await Destination.PutAsync("big/big-20260101T030000Z.tar.gz.enc", data);

        Assert.Equal(data.Length, size);
        Assert.Equal(StoragePayload.Sha256(data), StoragePayload.Sha256(await Destination.ReadAllAsync("big/big-20260101T030000Z.tar.gz.enc")));
        var listed = Assert.Single(await Destination.ListAllAsync());
        Assert.Equal(data.Length, listed.Size);
    }

    [Fact]
    public async Task PutAsync_StoresExactContent_WhenWriterWritesSynchronouslyAndDisposesStream()
    {
        var data = StoragePayload.Random(6 * 1024 * 1024 + 5, seed: 8);

        await Destination.PutAsync("p/sync.bin", (stream, _) =>
        {
            using (stream)
            {
                for (var offset = 0; offset < data.Length; offset += 65_537)
                {
                    stream.Write(data, offset, Math.Min(65_537, data.Length - offset));
                }
            }

            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(StoragePayload.Sha256(data), StoragePayload.Sha256(await Destination.ReadAllAsync("p/sync.bin")));
    }

    [Fact]
    public async Task PutAsync_StoresEmptyObject_WhenWriterWritesNothing()
    {
        var size = await Destination.PutAsync("p/empty", (_, _) => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(0, size);
        Assert.Empty(await Destination.ReadAllAsync("p/empty"));
    }

    [Fact]
    public async Task PutAsync_ReplacesContent_WhenKeyExists()
    {
        await Destination.PutAsync("p/a.json", [1, 2, 3]);

        await Destination.PutAsync("p/a.json", [4, 5]);

        Assert.Equal([4, 5], await Destination.ReadAllAsync("p/a.json"));
    }

    [Fact]
    public async Task PutAsync_LeavesNothing_WhenWriterThrows()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Destination.PutAsync("p/failed.tar.gz", async (stream, ct) =>
        {
            await stream.WriteAsync(StoragePayload.Random(1000, seed: 3), ct);
            throw new InvalidOperationException("writer broke");
        }, CancellationToken.None));

        Assert.Equal("writer broke", ex.Message);
        Assert.Empty(await Destination.ListAllAsync());
    }

    [Fact]
    public async Task PutAsync_LeavesNothing_WhenCancelled()
    {
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Destination.PutAsync("p/cancelled.tar.gz", async (stream, ct) =>
        {
            await stream.WriteAsync(StoragePayload.Random(1000, seed: 4), ct);
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }, cts.Token));

        Assert.Empty(await Destination.ListAllAsync());
    }

    [Theory]
    // Escapes and absolute paths.
    [InlineData("../outside")]
    [InlineData("p/../../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/windows")]
    // Malformed segments.
    [InlineData("")]
    [InlineData("p//a")]
    [InlineData("p/./a")]
    [InlineData("p/")]
    [InlineData("p\\a")]
    [InlineData("p/a\nb")]
    public async Task PutAsync_RefusesKey_WhenNotSafeRelativePath(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Destination.PutAsync(key, [1]));
        await Assert.ThrowsAsync<ArgumentException>(() => Destination.OpenReadAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Destination.DeleteAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task OpenReadAsync_ThrowsBackupNotFound_WhenKeyMissing()
    {
        var ex = await Assert.ThrowsAsync<BackupNotFoundException>(() => Destination.OpenReadAsync("p/missing.tar.gz", CancellationToken.None));

        Assert.Contains("p/missing.tar.gz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ReturnsRelativeSlashKeysWithSizes_WhenObjectsAreNested()
    {
        await Destination.PutAsync("app/app-20260101T000000Z.tar.gz", new byte[10]);
        await Destination.PutAsync("app/app-20260101T000000Z.tar.gz.meta.json", new byte[3]);
        await Destination.PutAsync("other/deep/x.bin", new byte[7]);

        var listed = (await Destination.ListAllAsync()).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();

        Assert.Equal(["app/app-20260101T000000Z.tar.gz", "app/app-20260101T000000Z.tar.gz.meta.json", "other/deep/x.bin"], listed.Select(o => o.Key));
        Assert.Equal([10L, 3L, 7L], listed.Select(o => o.Size));
        Assert.All(listed, o => Assert.True(o.LastModified > DateTimeOffset.UtcNow.AddHours(-1)));
    }

    [Fact]
    public async Task ListAsync_ReturnsOnlyThatFolder_WhenPrefixIsAnotherFoldersPrefix()
    {
        await Destination.PutAsync("app/app-20260101T000000Z.tar.gz", [1]);
        await Destination.PutAsync("app-2/app-2-20260101T000000Z.tar.gz", [2]);

        var listed = await Destination.ListAllAsync("app/");

        Assert.Equal("app/app-20260101T000000Z.tar.gz", Assert.Single(listed).Key);
    }

    [Fact]
    public async Task DeleteAsync_RemovesObject_WhenPresent()
    {
        await Destination.PutAsync("p/a", [1]);
        await Destination.PutAsync("p/b", [2]);

        await Destination.DeleteAsync("p/a", CancellationToken.None);

        Assert.Equal("p/b", Assert.Single(await Destination.ListAllAsync()).Key);
        await Assert.ThrowsAsync<BackupNotFoundException>(() => Destination.OpenReadAsync("p/a", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_Succeeds_WhenKeyMissing()
    {
        await Destination.DeleteAsync("p/never-written", CancellationToken.None);
        await Destination.DeleteAsync("nofolder/never-written", CancellationToken.None);

        Assert.Empty(await Destination.ListAllAsync());
    }
}
