using System.CommandLine;
using System.Text.RegularExpressions;
using DBackup.Operator.Cli;

namespace DBackup.Operator.Tests.Docs;

/// <summary>
/// Every <c>dbackup &lt;subcommand&gt; --flag</c> in the docs' code (spans and blocks) names a subcommand and
/// flags that exist in the command tree <see cref="DBackupCommand"/> builds, so the docs cannot promise a flag
/// the binary rejects.
/// </summary>
public sealed partial class DocCommandTests
{
    private static readonly RootCommand Root = DBackupCommand.Build(new CliContext(TextWriter.Null, TextWriter.Null, _ => null, stderrIsTerminal: false));

    [Fact]
    public void DocumentedCommands_ExistWithTheirFlags()
    {
        var problems = new List<string>();
        var seen = 0;
        foreach (var doc in DocFiles.All)
        {
            foreach (var (line, code, isSpan) in DocFiles.Code(DocFiles.Read(doc)))
            {
                foreach (var invocation in Invocations(code, isSpan && doc == "docs/cli.md"))
                {
                    seen++;
                    if (Check(invocation) is { } problem)
                    {
                        problems.Add($"{doc}:{line}: `{string.Join(' ', invocation)}`: {problem}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, "the docs name commands or flags that do not exist:\n" + string.Join("\n", problems));
        Assert.True(seen > 30, $"only {seen} dbackup invocations found in the docs: is the scanner still right?");
    }

    [Theory]
    [InlineData("dbackup list s3://b/p --s3-region eu-central-1", null)]
    [InlineData("dotnet run --project src/DBackup.Operator -- demo --exit", null)]
    [InlineData("dbackup keygen --out k --verbose --help", null)]
    [InlineData("dbackup rekey DEST --key-file a --new-key-file=b", null)]
    [InlineData("dbackup list DEST --no-such-flag", "no option --no-such-flag")]
    [InlineData("dbackup frobnicate --x", "no subcommand 'frobnicate'")]
    public void Check_FindsUnknownSubcommandsAndFlags(string code, string? expected)
    {
        var invocation = Assert.Single(Invocations(code, bareSubcommand: false));
        var problem = Check(invocation);
        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Invocations_IgnoreProseAndOtherTools()
    {
        Assert.Empty(Invocations("kubectl get dbackup -A", bareSubcommand: false));
        Assert.Empty(Invocations("kubectl -n dbackup-system logs deploy/dbackup-operator", bareSubcommand: false));
        Assert.Empty(Invocations("helm install dbackup charts/dbackup-operator --set x=y", bareSubcommand: false));
        Assert.Equal(["dbackup", "verify", "FILE", "--key-file", "k"], Assert.Single(Invocations("x | dbackup verify FILE --key-file k # check", bareSubcommand: false)));
        Assert.Equal(["dbackup", "inspect", "FILE", "--objects"], Assert.Single(Invocations("inspect FILE --objects", bareSubcommand: true)));
    }

    /// <summary>The dbackup invocations in one piece of code, from "dbackup" (or "--" after dotnet run) to the end of the shell command.</summary>
    private static IEnumerable<List<string>> Invocations(string code, bool bareSubcommand)
    {
        // "[--port P]" in a synopsis is the flag --port.
        var tokens = Token().Matches(code).Select(m => m.Value.Trim('[', ']', '(', ')')).Where(t => t.Length > 0).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var start = tokens[i] == "dbackup" ? i + 1
                : tokens[i] == "--" && i > 0 && tokens[..i].Contains("run") && tokens[..i].Contains("dotnet") ? i + 1
                : i == 0 && bareSubcommand && Root.Subcommands.Any(c => c.Name == tokens[0]) ? 0
                : -1;
            if (start < 0 || start >= tokens.Count || !Word().IsMatch(tokens[start]))
            {
                continue;
            }

            var end = tokens.FindIndex(start, t => t is "|" or "&&" or "||" or ";" or "#" or ">" || t.StartsWith('#'));
            yield return ["dbackup", .. tokens[start..(end < 0 ? tokens.Count : end)]];
            i = end < 0 ? tokens.Count : end;
        }
    }

    private static string? Check(List<string> invocation)
    {
        Command command = Root;
        var i = 1;
        while (i < invocation.Count && command.Subcommands.FirstOrDefault(c => c.Name == invocation[i]) is { } sub)
        {
            command = sub;
            i++;
        }

        if (command == Root)
        {
            return $"no subcommand '{invocation[1]}' (have: {string.Join(", ", Root.Subcommands.Select(c => c.Name))})";
        }

        var known = command.Options.Concat(Root.Options.Where(o => o.Recursive))
            .SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var flag in invocation.Skip(i).Where(t => t.StartsWith("--", StringComparison.Ordinal) && t.Length > 2).Select(t => t.Split('=')[0]))
        {
            if (!known.Contains(flag))
            {
                return $"no option {flag} on 'dbackup {command.Name}' (has: {string.Join(", ", command.Options.Select(o => o.Name))})";
            }
        }

        return null;
    }

    [GeneratedRegex(@"[^\s`]+")]
    private static partial Regex Token();

    [GeneratedRegex("^[a-z][a-z-]*$")]
    private static partial Regex Word();
}
