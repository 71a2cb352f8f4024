using System.Diagnostics;

namespace DBackup.Operator.Tests.Cli;

/// <summary>Runs the built dbackup.dll as a real process: exit codes, stdout and stderr as a shell sees them.</summary>
public sealed class ProcessTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "dbackup.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built next to the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DBACKUP_KEY");
        start.Environment.Remove("DBACKUP_DEBUG");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Version_PrintsVersion_AndExitsZero()
    {
        var (code, stdout, stderr) = await RunAsync("--version");

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task MissingFile_PrintsOneErrorLine_AndExitsOne()
    {
        var (code, stdout, stderr) = await RunAsync("verify", Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.tar.gz"));

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith("dbackup: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task UnknownOption_IsUsageError_ExitTwo()
    {
        var (code, _, stderr) = await RunAsync("list", Path.GetTempPath(), "--no-such-option");

        Assert.Equal(2, code);
        Assert.StartsWith("dbackup: Unrecognized", stderr, StringComparison.Ordinal);
    }
}
