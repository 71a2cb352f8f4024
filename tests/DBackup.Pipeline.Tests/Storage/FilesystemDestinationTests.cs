using DBackup.Pipeline.Storage;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FilesystemDestinationTests : DestinationContractTests
{
    private readonly TempDirectory temp = new();

    private string Root => Path.Combine(temp.Path, "backups");

    protected override Task<IBackupDestination> CreateDestinationAsync() =>
        Task.FromResult<IBackupDestination>(new FilesystemDestination(Root));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task PutAsync_CreatesPrivateFileAndFolders_WhenWriting()
    {
        await Destination.PutAsync("nightly/nightly-20260101T030000Z.tar.gz", [1, 2, 3]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Root, "nightly", "nightly-20260101T030000Z.tar.gz")));
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(Root, FilesystemDestination.TempFolderName)));
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(Root, "nightly")));
    }

    [Fact]
    public async Task PutAsync_TightensTempFolder_WhenItExistsWithWideMode()
    {
        var tempFolder = Path.Combine(Root, FilesystemDestination.TempFolderName);
        Directory.CreateDirectory(tempFolder);
        File.SetUnixFileMode(tempFolder, (UnixFileMode)0b111_111_111);

        await Destination.PutAsync("p/a", [1]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(tempFolder));
    }

    [Fact]
    public async Task PutAsync_RemovesTempFile_WhenWriterThrowsMidway()
    {
        string? seenTemp = null;
        await Assert.ThrowsAsync<IOException>(() => Destination.PutAsync("p/a.tar.gz", async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[4096], ct);
            await stream.FlushAsync(ct);
            seenTemp = Assert.Single(Directory.GetFiles(Path.Combine(Root, FilesystemDestination.TempFolderName)));
            throw new IOException("source failed");
        }, CancellationToken.None));

        Assert.NotNull(seenTemp);
        Assert.False(File.Exists(seenTemp));
        Assert.Empty(Directory.GetFiles(Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task PutAsync_RemovesTempFile_WhenCancelledMidway()
    {
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Destination.PutAsync("p/a.tar.gz", async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[4096], ct);
            await cts.CancelAsync();
            await stream.WriteAsync(new byte[4096], ct);
        }, cts.Token));

        Assert.Empty(Directory.GetFiles(Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task PutAsync_RefusesKey_WhenInsideTempFolder()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Destination.PutAsync(FilesystemDestination.TempFolderName + "/x", [1]));
    }

    [Fact]
    public async Task ListAsync_SkipsTempFolderAndSymlinks_WhenPresent()
    {
        await Destination.PutAsync("p/real", [1]);
        File.WriteAllBytes(Path.Combine(Root, FilesystemDestination.TempFolderName, "leftover.tmp"), [1]);
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(outside, "secret"), [1]);
        Directory.CreateSymbolicLink(Path.Combine(Root, "link"), outside);
        File.CreateSymbolicLink(Path.Combine(Root, "p", "filelink"), Path.Combine(outside, "secret"));

        var listed = await Destination.ListAllAsync();

        Assert.Equal("p/real", Assert.Single(listed).Key);
    }

    [Fact]
    public async Task DeleteAsync_RemovesEmptyPolicyFolder_WhenLastObjectDeleted()
    {
        await Destination.PutAsync("p/only", [1]);

        await Destination.DeleteAsync("p/only", CancellationToken.None);

        Assert.False(Directory.Exists(Path.Combine(Root, "p")));
        Assert.True(Directory.Exists(Root));
    }

    [Fact]
    public async Task ListAsync_ReturnsNothing_WhenRootDoesNotExistYet()
    {
        var destination = new FilesystemDestination(temp.Combine("never-created"));

        Assert.Empty(await destination.ListAllAsync());
    }
}
