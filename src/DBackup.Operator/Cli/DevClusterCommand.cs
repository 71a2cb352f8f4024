using System.CommandLine;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup devcluster</c>: runs the embedded Kubernetes API emulator on 127.0.0.1 until Ctrl+C or SIGTERM,
/// and writes a kubeconfig for kubectl.
/// </summary>
internal static class DevClusterCommand
{
    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0: any free port)", DefaultValueFactory = _ => 0, HelpName = "P" };
        var kubeconfig = new Option<string?>("--kubeconfig-out") { Description = "Where to write the kubeconfig (default: a temp file removed on exit)", HelpName = "F" };
        var command = new Command("devcluster", "Run the embedded Kubernetes API emulator until stopped")
        {
            port, kubeconfig,
        };

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                throw CliException.Usage($"--port {portNumber} is not a TCP port");
            }

            var path = parse.GetValue(kubeconfig) is { } file ? Path.GetFullPath(file) : null;
            await using var cluster = await DBackup.DevCluster.DevCluster.StartAsync(
                new DBackup.DevCluster.DevClusterOptions { Port = portNumber, KubeconfigPath = path }, ct).ConfigureAwait(false);
            context.Out.WriteLine($"Dev cluster listening on {cluster.Url}");
            context.Out.WriteLine($"Kubeconfig: {cluster.KubeconfigPath}");
            context.Out.WriteLine($"Try:        kubectl --kubeconfig {cluster.KubeconfigPath} get ns");
            context.Out.WriteLine("Press Ctrl+C to stop.");
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM is how this command is meant to end.
            }

            context.Out.WriteLine("Dev cluster stopped.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
