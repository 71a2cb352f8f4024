using DBackup.Operator.Hosting;
using Microsoft.AspNetCore.Builder;

namespace DBackup.Operator.Demo;

/// <summary>
/// The operator, exactly as <c>dbackup operator</c> runs it (<see cref="OperatorHost"/>), started in this process
/// against the dev cluster's kubeconfig, with its data dir and log in the demo folder and /metrics on a free port.
/// </summary>
/// <remarks>
/// The operator logs to the console, as in a pod. Its console sink looks up <see cref="Console.Out"/> for every
/// event, so pointing <see cref="Console.Out"/> at <c>operator.log</c> while it runs keeps its lines out of the
/// story; the story is written to the writer the CLI captured before, and the console is put back on dispose.
/// </remarks>
internal sealed class DemoOperator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StreamWriter _log;
    private readonly TextWriter _redirect;

    private DemoOperator(WebApplication app, StreamWriter log, TextWriter redirect, string logPath)
    {
        _app = app;
        _log = log;
        _redirect = redirect;
        LogPath = logPath;
    }

    /// <summary>Where the operator's log lines go, so they do not interleave with the story.</summary>
    public string LogPath { get; }

    /// <summary>The /metrics URL.</summary>
    public string MetricsUrl => _app.Urls.First().TrimEnd('/') + "/metrics";

    /// <summary>Builds and starts the operator; its controllers begin watching at once (no leader election).</summary>
    public static async Task<DemoOperator> StartAsync(string kubeconfig, string folder, string clusterName, CancellationToken ct)
    {
        var logPath = Path.Combine(folder, "operator.log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var redirect = ConsoleRedirect.Push(log);
        try
        {
            var app = await OperatorHost.BuildAsync(new OperatorSettings
            {
                Kubeconfig = kubeconfig,
                DataDir = Path.Combine(folder, "operator-data"),
                Port = 0,
                ListenAddress = "127.0.0.1",
                AdminNamespaces = [DemoWorld.AdminNamespace],
                LogFormat = "text",
                ClusterName = clusterName,
            }, ct).ConfigureAwait(false);
            await app.StartAsync(ct).ConfigureAwait(false);
            return new DemoOperator(app, log, redirect, logPath);
        }
        catch
        {
            ConsoleRedirect.Pop(redirect);
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            ConsoleRedirect.Pop(_redirect);
            await _log.DisposeAsync().ConfigureAwait(false);
        }
    }
}
