using DBackup.Pipeline.Storage;
using DBackup.Pipeline.Tests.Support;
using static DBackup.Pipeline.Tests.Support.StorageBackups;

namespace DBackup.Pipeline.Tests.Storage;

public sealed class BackupCatalogTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly FilesystemDestination destination;

    public BackupCatalogTests() => destination = new FilesystemDestination(temp.Path);

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task ListAsync_ReturnsCompleteBackupsNewestFirst_WhenMetaPresent()
    {
        await WriteAsync(destination, "nightly", At(1));
        await WriteAsync(destination, "nightly", At(3));
        await WriteAsync(destination, "nightly", At(2));

        var backups = await BackupCatalog.ListAsync(destination, "nightly", CancellationToken.None);

        Assert.Equal(["nightly-20260103T030000Z", "nightly-20260102T030000Z", "nightly-20260101T030000Z"], backups.Select(b => b.Name));
        Assert.All(backups, b => Assert.True(b.IsRestorable));
        Assert.Equal("nightly/nightly-20260103T030000Z.tar.gz", backups[0].PayloadKey);
        Assert.Equal(64, backups[0].PayloadSize);
        Assert.Equal(3, backups[0].Meta!.Objects);
    }

    [Fact]
    public async Task ListAsync_OmitsBackup_WhenPayloadHasNoMeta()
    {
        await WriteAsync(destination, "nightly", At(1));
        await WriteAsync(destination, "nightly", At(2), withMeta: false);

        var backups = await BackupCatalog.ListAsync(destination, "nightly", CancellationToken.None);

        Assert.Equal("nightly-20260101T030000Z", Assert.Single(backups).Name);
    }

    [Fact]
    public async Task FindPayloadAlone_DescribesANamedPayloadWithoutMeta_AndNothingElse()
    {
        await WriteAsync(destination, "nightly", At(1));
        await WriteAsync(destination, "nightly", At(2), withMeta: false);

        var alone = await BackupCatalog.FindPayloadAloneAsync(destination, "nightly/nightly-20260102T030000Z.tar.gz", CancellationToken.None);

        Assert.NotNull(alone);
        Assert.Equal(("nightly-20260102T030000Z", "nightly", At(2)), (alone.Name, alone.Policy, alone.CreatedAt));
        Assert.Null(alone.Meta);
        Assert.Equal(BackupState.MetaMissing, alone.State);
        Assert.True(alone.IsRestorable);
        Assert.Contains("nightly/nightly-20260102T030000Z.tar.gz.meta.json is missing", alone.Problem, StringComparison.Ordinal);
        Assert.Null(await BackupCatalog.FindPayloadAloneAsync(destination, "nightly/nightly-20260103T030000Z.tar.gz", CancellationToken.None));
        Assert.Null(await BackupCatalog.FindPayloadAloneAsync(destination, "nightly/nightly-20260101T030000Z.tar.gz.meta.json", CancellationToken.None));
        Assert.Null(await BackupCatalog.FindPayloadAloneAsync(destination, "nightly/nightly-20260102T030000Z.tar", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_ReportsPayloadMissing_WhenMetaHasNoPayload()
    {
        await WriteAsync(destination, "nightly", At(1), withPayload: false);

        var backup = Assert.Single(await BackupCatalog.ListAsync(destination, "nightly", CancellationToken.None));

        Assert.Equal(BackupState.PayloadMissing, backup.State);
        Assert.False(backup.IsRestorable);
        Assert.Contains("missing", backup.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ReportsInvalidAndKeepsOthers_WhenOneMetaIsUnreadable()
    {
        await WriteAsync(destination, "nightly", At(1));
        var broken = await WriteAsync(destination, "nightly", At(2), withMeta: false);
        await destination.PutAsync(BackupName.MetaKey(broken), "{ not json"u8.ToArray());

        var backups = await BackupCatalog.ListAsync(destination, "nightly", CancellationToken.None);

        Assert.Equal(2, backups.Count);
        Assert.Equal(BackupState.Invalid, backups[0].State);
        Assert.Equal("nightly-20260102T030000Z", backups[0].Name);
        Assert.Null(backups[0].Meta);
        Assert.Contains("cannot be read", backups[0].Problem, StringComparison.Ordinal);
        Assert.True(backups[1].IsRestorable);
    }

    [Fact]
    public async Task ListAsync_ReportsInvalid_WhenPayloadSizeDiffersFromMeta()
    {
        var key = await WriteAsync(destination, "nightly", At(1));
        await destination.PutAsync(key, new byte[10]);

        var backup = Assert.Single(await BackupCatalog.ListAsync(destination, "nightly", CancellationToken.None));

        Assert.Equal(BackupState.Invalid, backup.State);
        Assert.Contains("10 bytes", backup.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ListsOnlyThatPolicy_WhenPolicyNameIsPrefixOfAnother()
    {
        await WriteAsync(destination, "app", At(1));
        await WriteAsync(destination, "app-2", At(2));

        var app = await BackupCatalog.ListAsync(destination, "app", CancellationToken.None);
        var all = await BackupCatalog.ListAsync(destination, null, CancellationToken.None);

        Assert.Equal("app", Assert.Single(app).Policy);
        Assert.Equal(["app-2", "app"], all.Select(b => b.Policy));
    }

    [Fact]
    public async Task FindAsync_ReturnsNewestRestorable_WhenLatestRequested()
    {
        await WriteAsync(destination, "nightly", At(1));
        await WriteAsync(destination, "nightly", At(2));
        await WriteAsync(destination, "nightly", At(3), withPayload: false);

        var latest = await BackupCatalog.FindAsync(destination, "nightly", "latest", CancellationToken.None);

        Assert.Equal("nightly-20260102T030000Z", latest.Name);
    }

    [Theory]
    [InlineData("nightly-20260101T030000Z")]
    [InlineData("nightly-20260101T030000Z.tar.gz")]
    [InlineData("nightly/nightly-20260101T030000Z.tar.gz")]
    public async Task FindAsync_ReturnsBackup_WhenNamedWithOrWithoutExtension(string name)
    {
        await WriteAsync(destination, "nightly", At(1));
        await WriteAsync(destination, "nightly", At(2));

        var found = await BackupCatalog.FindAsync(destination, null, name, CancellationToken.None);

        Assert.Equal("nightly-20260101T030000Z", found.Name);
    }

    [Fact]
    public async Task FindAsync_ThrowsNotFound_WhenNoRestorableBackup()
    {
        await WriteAsync(destination, "nightly", At(1), withMeta: false);

        await Assert.ThrowsAsync<BackupNotFoundException>(() => BackupCatalog.FindAsync(destination, "nightly", "latest", CancellationToken.None));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => BackupCatalog.FindAsync(destination, "nightly", "nightly-20260101T030000Z", CancellationToken.None));
    }
}
