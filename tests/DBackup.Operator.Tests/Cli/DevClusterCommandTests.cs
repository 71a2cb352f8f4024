using DBackup.Operator.Cli;

namespace DBackup.Operator.Tests.Cli;

public sealed class DevClusterCommandTests
{
    [Fact]
    public async Task DevCluster_ServesKubernetesApi_UntilCancelled()
    {
        using var cli = new CliHarness();
        var kubeconfig = cli.PathOf("kubeconfig.yaml");
        var buffer = new StringWriter();
        var stdout = TextWriter.Synchronized(buffer);
        using var stop = new CancellationTokenSource();
        var context = new CliContext(stdout, TextWriter.Synchronized(new StringWriter()), _ => null, stderrIsTerminal: false);

        var run = DBackupCommand.RunAsync(["devcluster", "--kubeconfig-out", kubeconfig], context, handleTermination: false, stop.Token);
        var url = await WaitForUrlAsync(() => Read(stdout, buffer), run);
        using var http = new HttpClient();
        var namespaces = await http.GetStringAsync(new Uri(url, "api/v1/namespaces"));
        await stop.CancelAsync();
        var code = await run;

        Assert.Equal(0, code);
        Assert.Contains("\"kube-system\"", namespaces, StringComparison.Ordinal);
        Assert.Contains($"kubectl --kubeconfig {kubeconfig} get ns", Read(stdout, buffer), StringComparison.Ordinal);
        Assert.Contains(url.ToString().TrimEnd('/'), File.ReadAllText(kubeconfig), StringComparison.Ordinal);
        Assert.Contains("stopped", Read(stdout, buffer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevCluster_ReturnsUsageError_WhenPortIsOutOfRange()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("devcluster", "--port", "70000");

        Assert.Equal(2, run.ExitCode);
    }

    // The synchronized writer locks on itself, so reading under the same lock sees whole writes.
    private static string Read(TextWriter synchronized, StringWriter buffer)
    {
        lock (synchronized)
        {
            return buffer.ToString();
        }
    }

    // Polls the output for the URL line; the loop is bounded so a broken start fails instead of hanging.
    private static async Task<Uri> WaitForUrlAsync(Func<string> output, Task<int> run)
    {
        const string marker = "Dev cluster listening on ";
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var text = output();
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
            if (line is not null && text.Contains("Press Ctrl+C", StringComparison.Ordinal))
            {
                return new Uri(line[marker.Length..].Trim());
            }

            Assert.False(run.IsCompleted, $"devcluster ended early with exit code {(run.IsCompleted ? run.Result : -1)}: {text}");
            await Task.Delay(50);
        }

        throw new TimeoutException("devcluster did not print its URL within 30 s");
    }
}
