using System.Text.RegularExpressions;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>helm lint, values.schema.json, NOTES.txt, and the optional ServiceMonitor and PrometheusRule.</summary>
public sealed partial class HelmValuesTests
{
    [Theory]
    [MemberData(nameof(HelmChart.VariantNames), MemberType = typeof(HelmChart))]
    public async Task Lint_Strict_Passes(string variant)
    {
        var result = await HelmChart.RunAsync(["lint", "--strict", HelmChart.Folder, "--namespace", HelmChart.Namespace, .. HelmChart.Variants[variant]]);

        result.EnsureSuccess();
        Assert.Contains("0 chart(s) failed", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--set", "replicaCount=two", "/replicaCount")]
    [InlineData("--set", "operator.logFormat=xml", "/operator/logFormat")]
    [InlineData("--set", "operator.maxConcurrentBackups=0", "/operator/maxConcurrentBackups")]
    [InlineData("--set", "rbac.restore.namespaces=team-a", "/rbac/restore/namespaces")]
    [InlineData("--set-json", """operator.adminNamespaces=["Not_A_Namespace"]""", "/operator/adminNamespaces/0")]
    [InlineData("--set", "persistence.size=lots", "/persistence/size")]
    [InlineData("--set", "rbac.restor.enabled=false", "/rbac")]
    [InlineData("--set", "dataDir=relative/path", "/dataDir")]
    public async Task Schema_RejectsBadValues_NamingTheValue(string flag, string value, string path)
    {
        var result = await HelmChart.RunAsync(["template", HelmChart.Release, HelmChart.Folder, flag, value]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"'{path}'", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("operator.leaderElection.enabled=false")] // every replica would run the same backups
    [InlineData("persistence.enabled=true")] // replicas would share one SQLite history
    public async Task Schema_AllowsOneReplicaOnly_Without(string setting)
    {
        var two = await HelmChart.RunAsync(["template", HelmChart.Release, HelmChart.Folder, "--set", setting, "--set", "replicaCount=2"]);
        var one = await HelmChart.RunAsync(["template", HelmChart.Release, HelmChart.Folder, "--set", setting, "--set", "replicaCount=1"]);

        Assert.NotEqual(0, two.ExitCode);
        Assert.Contains("'/replicaCount'", two.Stderr, StringComparison.Ordinal);
        one.EnsureSuccess();
    }

    [Fact]
    public async Task Monitoring_ServiceMonitorScrapesTheMetricsService()
    {
        var rendered = await HelmChart.TemplateAsync("monitoring");
        var service = rendered.Single("Service", $"{HelmChart.Release}-metrics");
        var monitor = rendered.Single("ServiceMonitor", HelmChart.Release);

        var labels = service["metadata"]!["labels"]!.AsObject();
        foreach (var (key, value) in monitor["spec"]!["selector"]!["matchLabels"]!.AsObject())
        {
            Assert.Equal((string?)value, (string?)labels[key]);
        }

        var endpoint = monitor["spec"]!["endpoints"]![0]!;
        Assert.Equal((string?)service["spec"]!["ports"]![0]!["name"], (string?)endpoint["port"]);
        Assert.Equal("/metrics", (string?)endpoint["path"]);
        Assert.True((bool)endpoint["honorLabels"]!); // the policy's "namespace" label, not the operator pod's
        Assert.False((await HelmChart.TemplateAsync("default")).Has("ServiceMonitor"));
    }

    [Fact]
    public async Task Monitoring_AlertsReadMetricsTheOperatorExports()
    {
        var rendered = await HelmChart.TemplateAsync("monitoring", "--set", "metrics.prometheusRule.noSuccessHours=30");
        var rules = rendered.Single("PrometheusRule", HelmChart.Release)["spec"]!["groups"]![0]!["rules"]!.AsArray();
        var exported = MetricName().Matches(await File.ReadAllTextAsync(RepoPaths.Of("src", "DBackup.Operator", "Hosting", "OperatorMetrics.cs")))
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(["DBackupBackupFailing", "DBackupNoRecentSuccess", "DBackupVerificationFailing", "DBackupRestoreFailed"],
            rules.Select(r => (string)r!["alert"]!));
        foreach (var rule in rules)
        {
            var expr = (string)rule!["expr"]!;
            var used = UsedMetric().Matches(expr).Select(m => m.Value).ToList();
            Assert.NotEmpty(used);
            Assert.All(used, name => Assert.True(exported.Contains(name), $"{rule["alert"]} reads {name}, which OperatorMetrics does not export"));
            Assert.NotNull(rule["annotations"]!["summary"]);
        }

        Assert.Contains("> 108000", (string)rules[1]!["expr"]!, StringComparison.Ordinal); // 30 hours
    }

    [Fact]
    public async Task Notes_SayWhereRestoreMayWrite()
    {
        var limited = await InstallDryRunAsync(HelmChart.Variants["restore-limited"]);
        var off = await InstallDryRunAsync(HelmChart.Variants["restore-off"]);

        Assert.Contains("limited to the namespaces team-a, team-b", limited, StringComparison.Ordinal);
        Assert.Contains("off: the operator can only read", off, StringComparison.Ordinal);
        Assert.Contains($"rollout status deployment/{HelmChart.Release}", off, StringComparison.Ordinal);
    }

    private static async Task<string> InstallDryRunAsync(string[] values)
    {
        var result = await HelmChart.RunAsync(["install", HelmChart.Release, HelmChart.Folder, "--namespace", HelmChart.Namespace, "--dry-run=client", .. values]);
        var stdout = result.EnsureSuccess().Stdout;
        var notes = stdout.IndexOf("NOTES:", StringComparison.Ordinal);
        Assert.True(notes >= 0, "no NOTES in:\n" + stdout);
        return stdout[notes..];
    }

    [GeneratedRegex("\"(dbackup_[a-z_]+)\"")]
    private static partial Regex MetricName();

    [GeneratedRegex("dbackup_[a-z_]+")]
    private static partial Regex UsedMetric();
}
