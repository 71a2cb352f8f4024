using System.Text.RegularExpressions;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Docs;

/// <summary>The user documentation (README.md and docs/**/*.md) split into prose and code, for the docs tests.</summary>
internal static partial class DocFiles
{
    /// <summary>Every documentation file, as a path relative to the repository root.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. Directory.GetFiles(RepoPaths.Of("docs"), "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Prepend("README.md")];

    /// <summary>The text of a documentation file.</summary>
    public static string Read(string relative) => File.ReadAllText(RepoPaths.Of(relative.Split('/')));

    /// <summary>Lines outside fenced code blocks, with code spans removed (links in prose).</summary>
    public static IEnumerable<(int Line, string Text)> Prose(string text) =>
        OutsideFences(text).Select(l => (l.Line, CodeSpan().Replace(l.Text, string.Empty)));

    /// <summary>Lines outside fenced code blocks, as written.</summary>
    public static IEnumerable<(int Line, string Text)> OutsideFences(string text)
    {
        var inFence = false;
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (!inFence)
            {
                yield return (number, line);
            }
        }
    }

    /// <summary>Code: each code span, and each line of a fenced block (joined over trailing backslashes).</summary>
    public static IEnumerable<(int Line, string Code, bool IsSpan)> Code(string text)
    {
        var inFence = false;
        var number = 0;
        string? pending = null;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                var joined = pending is null ? line : pending + " " + line.Trim();
                if (joined.EndsWith('\\'))
                {
                    pending = joined[..^1];
                    continue;
                }

                pending = null;
                yield return (number, joined, false);
                continue;
            }

            foreach (Match span in CodeSpan().Matches(line))
            {
                yield return (number, span.Groups[1].Value, true);
            }
        }
    }

    /// <summary>GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.</summary>
    public static string Slug(string heading) =>
        NotSlug().Replace(heading.Trim().ToLowerInvariant().Replace("`", string.Empty, StringComparison.Ordinal), string.Empty).Replace(' ', '-');

    /// <summary>The anchors of every heading of a markdown text.</summary>
    public static HashSet<string> Anchors(string text) =>
        [.. OutsideFences(text).Select(l => l.Text).Where(l => l.StartsWith('#')).Select(l => Slug(l.TrimStart('#')))];

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex NotSlug();
}
