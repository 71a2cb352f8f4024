using System.Text.RegularExpressions;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Docs;

/// <summary>
/// Names the docs promise exist in the code: condition reasons in the troubleshooting tables, metric names,
/// the chart's alert names and the Helm values the docs tell people to set. A rename that forgets the docs fails here.
/// </summary>
public sealed partial class DocFactsTests
{
    private static readonly Lazy<string> Sources = new(() => string.Join("\n",
        Directory.GetFiles(RepoPaths.Of("src"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)));

    [Fact]
    public void TroubleshootingReasons_AreStringsTheOperatorWrites()
    {
        var reasons = FirstColumnCodes(DocFiles.Read("docs/troubleshooting.md")).Where(r => CamelCase().IsMatch(r)).ToList();

        Assert.True(reasons.Count > 20, $"only {reasons.Count} reasons found in the troubleshooting tables");
        var missing = reasons.Where(r => !Sources.Value.Contains($"\"{r}\"", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "reasons in docs/troubleshooting.md that no source file writes: " + string.Join(", ", missing));
    }

    [Fact]
    public void MetricNames_InTheDocs_AreRegistered()
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var found = 0;
        foreach (var doc in DocFiles.All)
        {
            foreach (Match m in Metric().Matches(DocFiles.Read(doc)))
            {
                found++;
                var name = HistogramSuffix().Replace(m.Value, string.Empty);
                if (!Sources.Value.Contains($"\"{name}\"", StringComparison.Ordinal) && !Sources.Value.Contains($"\"{m.Value}\"", StringComparison.Ordinal))
                {
                    missing.Add(m.Value);
                }
            }
        }

        Assert.True(found > 10, $"only {found} metric names found in the docs");
        Assert.True(missing.Count == 0, "metrics named in the docs that the operator does not register: " + string.Join(", ", missing));
    }

    [Fact]
    public void AlertNames_InTheDocs_AreInTheChart()
    {
        var rules = ChartTemplates();
        var alerts = Alert().Matches(DocFiles.Read("docs/metrics.md")).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.Contains($"alert: {a}", rules, StringComparison.Ordinal));
    }

    [Fact]
    public void HelmValues_InTheDocs_ExistInValuesYaml()
    {
        var values = new YamlDotNet.Serialization.Deserializer().Deserialize<Dictionary<object, object>>(File.ReadAllText(RepoPaths.Of("charts", "dbackup-operator", "values.yaml")));
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var doc in DocFiles.All)
        {
            var text = DocFiles.Read(doc);
            paths.UnionWith(SetFlag().Matches(text).Select(m => m.Groups[1].Value));
            if (doc is "docs/quickstart.md" or "docs/metrics.md")
            {
                // The values tables: `path.to.value` in the first column.
                paths.UnionWith(FirstColumnCodes(text).Where(c => ValuePath().IsMatch(c)));
            }
        }

        Assert.Contains("operator.adminNamespaces", paths);
        var missing = paths.Where(p => !Exists(values, p.Split('.'))).ToList();
        Assert.True(missing.Count == 0, "Helm values named in the docs that charts/dbackup-operator/values.yaml lacks: " + string.Join(", ", missing));
    }

    private static bool Exists(object? node, IEnumerable<string> path)
    {
        foreach (var part in path)
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(part, out node))
            {
                return false;
            }
        }

        return true;
    }

    private static string ChartTemplates() => string.Join("\n",
        Directory.GetFiles(RepoPaths.Of("charts", "dbackup-operator", "templates")).Select(File.ReadAllText));

    /// <summary>Code spans in the first column of markdown table rows (a cell may hold several, e.g. "`a`, `b`").</summary>
    private static IEnumerable<string> FirstColumnCodes(string text) =>
        DocFiles.OutsideFences(text)
            .Select(l => l.Text)
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => Code().Matches(l.Split(" | ", 2)[0]).Select(m => m.Groups[1].Value));

    [GeneratedRegex("^[A-Z][a-z]+(?:[A-Z][a-z]+)*$")]
    private static partial Regex CamelCase();

    [GeneratedRegex(@"\bdbackup_[a-z_]+[a-z]\b")]
    private static partial Regex Metric();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();

    [GeneratedRegex(@"`(DBackup[A-Z][A-Za-z]+)`")]
    private static partial Regex Alert();

    [GeneratedRegex(@"--set ([A-Za-z][A-Za-z0-9.]*)=")]
    private static partial Regex SetFlag();

    [GeneratedRegex("^[a-z][A-Za-z0-9.]*$")]
    private static partial Regex ValuePath();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();
}
