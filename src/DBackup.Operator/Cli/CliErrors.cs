using System.CommandLine;
using System.Security.Cryptography;
using DBackup.Operator.Manifests;
using DBackup.Pipeline;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>Process exit codes of <c>dbackup</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Everything held.</summary>
    public const int Ok = 0;

    /// <summary>The command failed (bad backup, I/O, wrong key ...).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}

/// <summary>A failure whose message is fit for the user as is.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The exit code to return.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>A usage error (exit code 2).</summary>
    public static CliException Usage(string message) => new(message, ExitCodes.Usage);
}

/// <summary>Runs command actions with one error policy: one line on stderr, an exit code, no stack trace unless asked.</summary>
internal static class CliRunner
{
    /// <summary>Name of the global <c>--verbose</c> option.</summary>
    public const string VerboseName = "--verbose";

    /// <summary>
    /// Creates the global <c>--verbose</c> option. Options are created per command tree, never shared:
    /// a symbol remembers its parents, and in-process runs build trees concurrently.
    /// </summary>
    public static Option<bool> CreateVerbose() => new(VerboseName)
    {
        Description = "Show stack traces for errors (also DBACKUP_DEBUG=1)",
        Recursive = true,
    };

    /// <summary>Sets the action of <paramref name="command"/> to <paramref name="run"/>, wrapped in the error policy.</summary>
    public static void SetRun(Command command, CliContext context, Func<ParseResult, CancellationToken, Task<int>> run)
    {
        command.SetAction(async (parseResult, ct) =>
        {
            try
            {
                return await run(parseResult, ct).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var verbose = parseResult.GetValue<bool>(VerboseName) || context.Env(CliContext.DebugVariable) is "1" or "true";
                return Report(context, ex, verbose, ct);
            }
        });
    }

    /// <summary>Writes the error line for <paramref name="ex"/> and returns its exit code.</summary>
    public static int Report(CliContext context, Exception ex, bool verbose, CancellationToken ct)
    {
        var (message, code) = Describe(ex, ct);
        context.Err.WriteLine($"dbackup: {message}");
        if (verbose)
        {
            context.Err.WriteLine(ex.ToString());
        }

        return code;
    }

    private static (string Message, int Code) Describe(Exception ex, CancellationToken ct) => ex switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        OperationCanceledException when ct.IsCancellationRequested => ("cancelled", ExitCodes.Cancelled),
        ManifestException or InvalidBackupException or BackupNotFoundException or BackupStorageException
            or IOException or UnauthorizedAccessException => (OneLine(ex.Message), ExitCodes.Failure),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0], ct),

        // The pipeline validates requests and objects with ArgumentException; its messages are written for users.
        ArgumentException => (OneLine(ex.Message), ExitCodes.Failure),
        CryptographicException => ("cryptographic failure: " + OneLine(ex.Message), ExitCodes.Failure),
        _ => ($"unexpected {ex.GetType().Name}: {OneLine(ex.Message)} (run with --verbose for details)", ExitCodes.Failure),
    };

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();

        // ArgumentException appends " (Parameter 'x')", which means nothing to a CLI user.
        var cut = line.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? line[..cut] : line;
    }
}
