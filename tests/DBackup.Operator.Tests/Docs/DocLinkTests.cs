using System.Text.RegularExpressions;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Docs;

/// <summary>Every relative link in README.md and docs/ points at a file in the repository, and every #anchor at a heading.</summary>
public sealed partial class DocLinkTests
{
    [Fact]
    public void RelativeLinks_ResolveToFilesAndHeadings()
    {
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var doc in DocFiles.All)
        {
            var text = DocFiles.Read(doc);
            var folder = Path.GetDirectoryName(RepoPaths.Of(doc.Split('/')))!;
            foreach (var (line, prose) in DocFiles.Prose(text))
            {
                foreach (Match link in Link().Matches(prose))
                {
                    var target = link.Groups["target"].Value;
                    if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    checkedLinks++;
                    if (Problem(folder, text, target) is { } problem)
                    {
                        broken.Add($"{doc}:{line}: ({target}) {problem}");
                    }
                }
            }
        }

        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
        Assert.True(checkedLinks > 20, $"only {checkedLinks} relative links found: is the link pattern still right?");
    }

    [Theory]
    [InlineData("Policy not Ready", "policy-not-ready")]
    [InlineData("Conflicts: Merge skips, Overwrite replaces", "conflicts-merge-skips-overwrite-replaces")]
    [InlineData("The `dbackup` command", "the-dbackup-command")]
    [InlineData("1. Make the new key", "1-make-the-new-key")]
    public void Slug_MatchesGitHubAnchors(string heading, string anchor) => Assert.Equal(anchor, DocFiles.Slug(heading));

    [Fact]
    public void Problem_ReportsMissingFilesAnchorsAndLinksOutOfTheRepository()
    {
        var docs = RepoPaths.Of("docs");
        Assert.Null(Problem(docs, "# Here\n", "troubleshooting.md#policy-not-ready"));
        Assert.Null(Problem(docs, "# Here\n", "#here"));
        Assert.NotNull(Problem(docs, "# Here\n", "no-such-file.md"));
        Assert.NotNull(Problem(docs, "# Here\n", "troubleshooting.md#no-such-heading"));
        Assert.NotNull(Problem(docs, "# Here\n", "#elsewhere"));
        Assert.NotNull(Problem(docs, "# Here\n", "../../outside.md"));
    }

    private static string? Problem(string folder, string selfText, string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var pathPart = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        string? targetText = selfText;
        if (pathPart.Length > 0)
        {
            var full = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(pathPart)));
            if (!full.StartsWith(RepoPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && full != RepoPaths.Root)
            {
                return "leaves the repository (broken in a clone)";
            }

            if (!File.Exists(full) && !Directory.Exists(full))
            {
                return "no such file or folder";
            }

            targetText = full.EndsWith(".md", StringComparison.Ordinal) ? File.ReadAllText(full) : null;
        }

        if (anchor is null || targetText is null)
        {
            return null;
        }

        return DocFiles.Anchors(targetText).Contains(anchor) ? null : $"no heading with anchor #{anchor}";
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();
}
