namespace DBackup.Operator.Tests.Cli;

public sealed class KeyOptionsTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task KeyFile_Warns_WhenOthersCanReadIt()
    {
        Samples.WriteManifests(_cli);
        var (key, _) = await _cli.KeygenAsync("k.key");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var run = await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest"), "--key-file", key);

        Assert.Contains($"chmod 600 {key}", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyFile_FailsWithoutEchoingContent_WhenMalformed()
    {
        Samples.WriteManifests(_cli);
        var key = _cli.Write("bad.key", "dbackup-key-v1:not-base64-SECRETISH\n");

        var run = await _cli.RunAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest"), "--key-file", key);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bad.key is not valid", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETISH", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbackupKey_FailsWithoutEchoingContent_WhenMalformed()
    {
        Samples.WriteManifests(_cli);
        _cli.Environment["DBACKUP_KEY"] = "SECRETISH";

        var run = await _cli.RunAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("DBACKUP_KEY", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETISH", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyFile_Fails_WhenMissing()
    {
        Samples.WriteManifests(_cli);

        var run = await _cli.RunAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest"), "--key-file", _cli.PathOf("none.key"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot read key file", run.Err, StringComparison.Ordinal);
    }
}
