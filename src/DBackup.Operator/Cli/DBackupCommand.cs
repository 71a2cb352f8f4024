using System.CommandLine;
using System.CommandLine.Invocation;

namespace DBackup.Operator.Cli;

/// <summary>The root <c>dbackup</c> command: one subcommand per file in this folder.</summary>
public static class DBackupCommand
{
    /// <summary>Parses and runs the command line against the process console; returns the exit code.</summary>
    /// <remarks>Ctrl+C and SIGTERM cancel the running command.</remarks>
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, CliContext.ForConsole(), handleTermination: true, CancellationToken.None);

    /// <summary>
    /// Parses and runs the command line with the given output streams, for use in-process (tests, the demo).
    /// Returns the exit code: 0 success, 1 failure, 2 usage error, 130 cancelled.
    /// </summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Receives results.</param>
    /// <param name="stderr">Receives errors and warnings (never progress: it is not a terminal).</param>
    /// <param name="cancellationToken">Cancels the running command.</param>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, new CliContext(stdout, stderr, Environment.GetEnvironmentVariable, stderrIsTerminal: false), handleTermination: false, cancellationToken);

    /// <summary>Runs with a full context (tests use it to supply environment variables).</summary>
    internal static async Task<int> RunAsync(string[] args, CliContext context, bool handleTermination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = Build(context);
        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Err,
            EnableDefaultExceptionHandler = false,
        };
        if (!handleTermination)
        {
            configuration.ProcessTerminationTimeout = null;
        }

        if (parseResult.Errors.Count > 0 && parseResult.Action is ParseErrorAction)
        {
            var command = string.Join(' ', parseResult.CommandResult.Command.Parents.OfType<Command>().Reverse()
                .Select(c => c.Name).Append(parseResult.CommandResult.Command.Name).Skip(1).Prepend("dbackup"));
            // "Unrecognized command or argument 'x'" says more than the "Required command was not provided" that comes with it.
            var error = parseResult.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parseResult.Errors[0];
            context.Err.WriteLine($"dbackup: {error.Message}");
            context.Err.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Actions report their own errors; this catches failures of the parser's own actions (help, version).
            return CliRunner.Report(context, ex, verbose: context.Env(CliContext.DebugVariable) is "1" or "true", cancellationToken);
        }
    }

    /// <summary>Builds the command tree.</summary>
    internal static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("dbackup: configuration backups for Kubernetes: the operator, and the tools to take, check and open backups")
        {
            CliRunner.CreateVerbose(),
            KeygenCommand.Create(context),
            BackupCommand.Create(context),
            PackCommand.Create(context),
            ListCommand.Create(context),
            InspectCommand.Create(context),
            VerifyCommand.Create(context),
            DecryptCommand.Create(context),
            ExportCommand.Create(context),
            RestoreCommand.Create(context),
            RekeyCommand.Create(context),
            DevClusterCommand.Create(context),
            DemoCommand.Create(context),
            OperatorCommand.Create(context),
        };
        return root;
    }
}
