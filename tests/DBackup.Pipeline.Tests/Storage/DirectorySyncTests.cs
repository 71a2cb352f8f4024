using DBackup.Pipeline.Storage;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Storage;

public sealed class DirectorySyncTests
{
    [Fact]
    public void TrySync_Succeeds_WhenFolderExistsOnLinux()
    {
        using var temp = new TempDirectory();

        var synced = DirectorySync.TrySync(temp.Path);

        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), synced);
        Assert.False(DirectorySync.TrySync(temp.Combine("missing")));
    }
}
