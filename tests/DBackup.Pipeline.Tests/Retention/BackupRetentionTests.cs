using DBackup.Pipeline.Retention;
using DBackup.Pipeline.Storage;
using DBackup.Pipeline.Tests.Support;
using static DBackup.Pipeline.Tests.Support.StorageBackups;

namespace DBackup.Pipeline.Tests.Retention;

public sealed class BackupRetentionTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly FilesystemDestination destination;

    public BackupRetentionTests() => destination = new FilesystemDestination(temp.Path);

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task ApplyAsync_DeletesMetaBeforePayload_WhenRemovingBackup()
    {
        await WriteAsync(destination, "app", At(1));
        await WriteAsync(destination, "app", At(2));
        var recording = new DeleteRecordingDestination(destination);

        var deleted = await BackupRetention.ApplyAsync(recording, "app", new RetentionPolicy { KeepLast = 1 }, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal("app-20260101T030000Z", Assert.Single(deleted).Name);
        Assert.Equal(["app/app-20260101T030000Z.tar.gz.meta.json", "app/app-20260101T030000Z.tar.gz"], recording.Deleted);
        Assert.Equal("app-20260102T030000Z", Assert.Single(await BackupCatalog.ListAsync(destination, "app", CancellationToken.None)).Name);
    }

    [Fact]
    public async Task ApplyAsync_LeavesOtherPoliciesAndForeignFiles_WhenPolicyNameIsPrefixOfAnother()
    {
        await WriteAsync(destination, "app", At(1));
        await WriteAsync(destination, "app", At(2));
        await WriteAsync(destination, "app-2", At(1));
        await WriteAsync(destination, "app-2", At(3), withMeta: false);
        await destination.PutAsync("app/README.txt", [1]);

        await BackupRetention.ApplyAsync(destination, "app", new RetentionPolicy { KeepLast = 1, MaxAge = TimeSpan.FromDays(1) },
            DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None);

        var keys = (await destination.ListAllAsync()).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([
            "app-2/app-2-20260101T030000Z.tar.gz",
            "app-2/app-2-20260101T030000Z.tar.gz.meta.json",
            "app-2/app-2-20260103T030000Z.tar.gz",
            "app/README.txt",
            "app/app-20260102T030000Z.tar.gz",
            "app/app-20260102T030000Z.tar.gz.meta.json",
        ], keys);
    }

    [Fact]
    public async Task ApplyAsync_RemovesOrphanedPayloadOnlyAfterGrace_WhenUploadNeverFinished()
    {
        await WriteAsync(destination, "app", At(1));
        await WriteAsync(destination, "app", At(2), withMeta: false);

        var early = await BackupRetention.ApplyAsync(destination, "app", new RetentionPolicy(), DateTimeOffset.UtcNow.AddMinutes(30), CancellationToken.None);
        var late = await BackupRetention.ApplyAsync(destination, "app", new RetentionPolicy(), DateTimeOffset.UtcNow.AddHours(2), CancellationToken.None);

        Assert.Empty(early);
        var orphan = Assert.Single(late);
        Assert.Equal(RetentionReason.OrphanedPayload, orphan.Reason);
        Assert.Equal(2, (await destination.ListAllAsync()).Count);
    }

    [Fact]
    public async Task ApplyAsync_KeepsNewestGoodBackup_WhenItsNewerSiblingHasCorruptMeta()
    {
        await WriteAsync(destination, "app", At(1));
        var corrupt = await WriteAsync(destination, "app", At(2), withMeta: false);
        await destination.PutAsync(BackupName.MetaKey(corrupt), "{"u8.ToArray());

        await BackupRetention.ApplyAsync(destination, "app", new RetentionPolicy { KeepLast = 1 }, DateTimeOffset.UtcNow, CancellationToken.None);

        var latest = await BackupCatalog.FindAsync(destination, "app", BackupCatalog.Latest, CancellationToken.None);
        Assert.Equal("app-20260101T030000Z", latest.Name);
    }

    [Fact]
    public async Task ApplyAsync_Throws_WhenPolicyNameInvalid()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => BackupRetention.ApplyAsync(destination, "../x", new RetentionPolicy(), DateTimeOffset.UtcNow, CancellationToken.None));
    }

    private sealed class DeleteRecordingDestination(IBackupDestination inner) : IBackupDestination
    {
        public List<string> Deleted { get; } = [];

        public string Location => inner.Location;

        public Task<long> PutAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
            inner.PutAsync(key, write, cancellationToken);

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

        public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
        {
            Deleted.Add(key);
            return inner.DeleteAsync(key, cancellationToken);
        }
    }
}
