using System.CommandLine;
using DBackup.Operator.Hosting;
using Microsoft.Extensions.Hosting;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup operator</c>: runs the controllers (in a cluster, or against a kubeconfig) until SIGTERM, with
/// <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>. A running backup is cancelled on shutdown and leaves no
/// meta.json, so it is never listed as complete.
/// </summary>
internal static class OperatorCommand
{
    public static Command Create(CliContext context)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)", HelpName = "F" };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder for the execution history (SQLite) and temp files", DefaultValueFactory = _ => "/var/lib/dbackup", HelpName = "D" };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Take the leader lease first, so only one replica reconciles" };
        var port = new Option<int>("--port") { Description = "Port of /healthz, /readyz and /metrics", DefaultValueFactory = _ => 8080, HelpName = "P" };
        var admin = new Option<string[]>("--admin-namespace") { Description = "Namespace whose policies may read other namespaces and cluster-scoped resources (repeatable; default: the operator's own)", AllowMultipleArgumentsPerToken = true, HelpName = "NS" };
        var logFormat = new Option<string?>("--log-format") { Description = "json or text (default: json in a pod, text elsewhere)", HelpName = "F" };
        logFormat.AcceptOnlyFromAmong("json", "text");
        var maxBackups = new Option<int>("--max-concurrent-backups") { Description = "Backups allowed to run at once", DefaultValueFactory = _ => Controllers.BackupSlots.DefaultMaxConcurrent, HelpName = "N" };
        var cluster = new Option<string?>("--cluster-name") { Description = "Cluster name recorded in backups", HelpName = "NAME" };
        var command = new Command("operator", "Run the DBackup operator's controllers")
        {
            kubeconfig, dataDir, leaderElect, port, admin, logFormat, maxBackups, cluster,
        };

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            if (parse.GetValue(maxBackups) < 1)
            {
                throw CliException.Usage("--max-concurrent-backups must be at least 1");
            }

            var settings = new OperatorSettings
            {
                Kubeconfig = parse.GetValue(kubeconfig),
                DataDir = Path.GetFullPath(parse.GetValue(dataDir)!),
                LeaderElect = parse.GetValue(leaderElect),
                Port = parse.GetValue(port),
                AdminNamespaces = parse.GetValue(admin) ?? [],
                LogFormat = parse.GetValue(logFormat),
                MaxConcurrentBackups = parse.GetValue(maxBackups),
                ClusterName = parse.GetValue(cluster),
            };
            await using var app = await OperatorHost.BuildAsync(settings, ct).ConfigureAwait(false);
            await app.StartAsync(ct).ConfigureAwait(false);

            // Returns once SIGTERM/Ctrl+C (the token) or a lost lease (StopApplication) stops the host, after a graceful stop.
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
