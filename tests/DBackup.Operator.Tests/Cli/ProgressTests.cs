using DBackup.Operator.Cli;

namespace DBackup.Operator.Tests.Cli;

public sealed class ProgressTests
{
    [Fact]
    public void Progress_DrawsAndErasesLine_WhenStderrIsTerminal()
    {
        var stderr = new StringWriter();
        var context = new CliContext(TextWriter.Null, stderr, _ => null, stderrIsTerminal: true);

        using (var progress = new Progress(context, "packing"))
        {
            progress.AddObject();
            progress.AddBytes(2048);
        }

        var text = stderr.ToString();
        Assert.StartsWith("\rpacking: 1 objects, 0 B", text, StringComparison.Ordinal);
        Assert.EndsWith("\r", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_IsSilent_WhenStderrIsRedirected()
    {
        var stderr = new StringWriter();
        var context = new CliContext(TextWriter.Null, stderr, _ => null, stderrIsTerminal: false);

        using (var progress = new Progress(context, "packing"))
        {
            progress.AddObject();
            progress.AddBytes(2048);
        }

        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public async Task Pack_ShowsProgressOnTerminal_AndKeepsStdoutClean()
    {
        using var cli = new CliHarness();
        Samples.WriteManifests(cli);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, _ => null, stderrIsTerminal: true);

        var code = await DBackupCommand.RunAsync(["pack", cli.PathOf("manifests"), "--dest", cli.PathOf("dest")], context, handleTermination: false, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("\rpacking: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\r", stdout.ToString(), StringComparison.Ordinal);
    }
}
