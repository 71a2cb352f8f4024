using System.CommandLine;

namespace DBackup.Operator.Cli;

/// <summary>The root <c>dbackup</c> command: one subcommand per file in this folder.</summary>
public static class DBackupCommand
{
    /// <summary>Parses and runs the command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("dbackup: configuration backups for Kubernetes");
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
