using System.Text.Json.Nodes;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>charts/dbackup-operator rendered with tools/bin/helm, as release "dbackup-operator" in "dbackup-system".</summary>
internal static class HelmChart
{
    public const string Release = "dbackup-operator";
    public const string Namespace = "dbackup-system";

    public static string Folder => RepoPaths.Of("charts", "dbackup-operator");

    /// <summary>Value sets worth rendering: the defaults and each feature switched on or off.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Variants = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["default"] = [],
        ["restore-off"] = ["--set", "rbac.restore.enabled=false"],
        ["restore-limited"] = ["--set-json", """rbac.restore.namespaces=["team-a","team-b"]"""],
        ["monitoring"] = ["--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.prometheusRule.enabled=true"],
        ["persistence"] = ["--set", "persistence.enabled=true", "--set", "persistence.storageClassName=fast",
            // A second claim for filesystem destinations, and an environment variable for the AWS credential chain.
            "--set-json", """extraVolumes=[{"name":"backups","persistentVolumeClaim":{"claimName":"shared-backups"}}]""",
            "--set-json", """extraVolumeMounts=[{"name":"backups","mountPath":"/backups"}]""",
            "--set-json", """operator.extraEnv=[{"name":"AWS_REGION","value":"eu-central-1"}]"""],
        ["standby-replica"] = ["--set", "replicaCount=2"],
        ["admin-namespaces"] = ["--set-json", """operator.adminNamespaces=["dbackup-system","platform"]""", "--set", "operator.clusterName=prod-eu1",
            "--set", "operator.leaderElection.enabled=false", "--set", "operator.logFormat=text", "--set", "operator.maxConcurrentBackups=4"],
    };

    public static TheoryData<string> VariantNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Variants.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>The namespaces a variant's objects land in (the release's, plus restore namespaces).</summary>
    public static IEnumerable<string> NamespacesOf(Rendered rendered) =>
        rendered.Objects.Select(Rendered.Namespace).OfType<string>().Append(Namespace).Distinct(StringComparer.Ordinal);

    public static Task<Rendered> TemplateAsync(string variant, params string[] extra) => TemplateAsync([.. Variants[variant], .. extra]);

    public static async Task<Rendered> TemplateAsync(IEnumerable<string> args)
    {
        var result = await RunAsync(["template", Release, Folder, "--namespace", Namespace, .. args]);
        return Rendered.Parse(result.EnsureSuccess().Stdout);
    }

    public static Task<ToolResult> RunAsync(IEnumerable<string> args) =>
        PackagingTools.RunAsync(PackagingTools.Helm, args, environment: new Dictionary<string, string>
        {
            // Helm must not read a developer's kubeconfig or write into their home folder.
            ["KUBECONFIG"] = Path.Combine(Path.GetTempPath(), "dbackup-no-kubeconfig"),
            ["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "dbackup-helm", "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "dbackup-helm", "config"),
            ["HELM_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "dbackup-helm", "data"),
        });

    /// <summary>The rules of a Role or ClusterRole, one per entry, each as "groups|resources|names|verbs" sets.</summary>
    public static IReadOnlyList<RbacRule> Rules(JsonObject role) =>
        role["rules"]!.AsArray().Select(r => new RbacRule(
            Strings(r!["apiGroups"]), Strings(r["resources"]), Strings(r["resourceNames"]), Strings(r["verbs"]))).ToList();

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node?.AsArray().Select(n => (string)n!).ToList() ?? [];
}

/// <summary>One RBAC rule, comparable by value.</summary>
internal sealed record RbacRule(IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> ResourceNames, IReadOnlyList<string> Verbs)
{
    public override string ToString() =>
        $"[{string.Join(',', ApiGroups)}] {string.Join(',', Resources)}{(ResourceNames.Count > 0 ? $" ({string.Join(',', ResourceNames)})" : "")}: {string.Join(',', Verbs)}";
}
