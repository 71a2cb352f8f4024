namespace DBackup.Operator.Cli;

/// <summary>
/// What a command may touch besides its arguments: the two output streams, the environment, and
/// whether stderr is a terminal (progress is shown only then). Tests pass their own.
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, Func<string, string?> environment, bool stderrIsTerminal)
{
    /// <summary>Environment variable with the text of a key file.</summary>
    public const string KeyVariable = "DBACKUP_KEY";

    /// <summary>Environment variable that turns on stack traces, like <c>--verbose</c>.</summary>
    public const string DebugVariable = "DBACKUP_DEBUG";

    /// <summary>Standard output: results only, so it can be piped.</summary>
    public TextWriter Out { get; } = stdout;

    /// <summary>Standard error: errors, warnings and progress.</summary>
    public TextWriter Err { get; } = stderr;

    /// <summary>Whether progress lines may be drawn on stderr.</summary>
    public bool ShowProgress { get; } = stderrIsTerminal;

    /// <summary>Reads an environment variable; empty values count as unset.</summary>
    public string? Env(string name) => environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>The context of the real process.</summary>
    public static CliContext ForConsole() =>
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, !Console.IsErrorRedirected);

    /// <summary>Writes a warning line to stderr.</summary>
    public void Warn(string message) => Err.WriteLine($"dbackup: warning: {message}");
}
