using System.Text.Json.Nodes;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>
/// The chart's least-privilege RBAC: backups read only, restores write only where enabled (cluster-wide or per
/// listed namespace), the operator's own rights limited to its CRs, Events, reading Secrets and its lease.
/// </summary>
public sealed class HelmRbacTests
{
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] WriteVerbs = ["create", "update"];

    [Fact]
    public async Task Default_SplitsBackupReadFromRestoreWrite()
    {
        var rendered = await HelmChart.TemplateAsync("default");
        var backup = HelmChart.Rules(rendered.Single("ClusterRole", $"{HelmChart.Release}-backup"));
        var restore = HelmChart.Rules(rendered.Single("ClusterRole", $"{HelmChart.Release}-restore"));

        Assert.All(backup, r => Assert.Equal(ReadVerbs, r.Verbs));
        Assert.All(restore, r => Assert.Equal(WriteVerbs, r.Verbs));
        // Restore writes exactly what backups read.
        Assert.Equal(backup.Select(r => (string.Join(',', r.ApiGroups), string.Join(',', r.Resources))),
            restore.Select(r => (string.Join(',', r.ApiGroups), string.Join(',', r.Resources))));
        Assert.Contains(backup, r => r.ApiGroups.SequenceEqual([""]) && r.Resources.Contains("secrets"));
        Assert.Contains(backup, r => r.ApiGroups.SequenceEqual(["dbackup.io"]) && r.Resources.Contains("metabackuppolicies"));
        AssertBound(rendered, "ClusterRoleBinding", $"{HelmChart.Release}-restore", null);
        AssertBound(rendered, "ClusterRoleBinding", $"{HelmChart.Release}-backup", null);
    }

    [Fact]
    public async Task Default_OperatorRole_CoversItsOwnCalls_AndNoMore()
    {
        var rendered = await HelmChart.TemplateAsync("default");
        var manager = HelmChart.Rules(rendered.Single("ClusterRole", $"{HelmChart.Release}-manager")).Select(r => r.ToString()).ToList();
        var lease = HelmChart.Rules(rendered.Single("Role", $"{HelmChart.Release}-leader-election"));

        Assert.Contains("[dbackup.io] encryptionprofilerefs,metabackuppolicies,metabackuprestores: get,list,watch,update,patch", manager);
        Assert.Contains("[dbackup.io] encryptionprofilerefs/status,metabackuppolicies/status,metabackuprestores/status: update,patch", manager);
        Assert.Contains("[] events: create", manager);
        Assert.Contains("[] secrets: get", manager);
        Assert.Equal(HelmChart.Namespace, Rendered.Namespace(rendered.Single("Role", $"{HelmChart.Release}-leader-election")));
        // get/update only on the operator's own lease (LeaderElectionOptions.LeaseName); create cannot be limited by name.
        Assert.Contains(lease, r => r.ResourceNames.SequenceEqual(["dbackup-operator-leader"]) && r.Verbs.Contains("update"));
        Assert.All(lease.Where(r => r.ResourceNames.Count == 0), r => Assert.Equal(["create"], r.Verbs));
        AssertBound(rendered, "RoleBinding", $"{HelmChart.Release}-leader-election", HelmChart.Namespace);
    }

    [Theory]
    [MemberData(nameof(HelmChart.VariantNames), MemberType = typeof(HelmChart))]
    public async Task NoRole_GrantsWildcardsOrDelete(string variant)
    {
        var rendered = await HelmChart.TemplateAsync(variant);
        var rules = rendered.OfKind("ClusterRole").Concat(rendered.OfKind("Role")).SelectMany(HelmChart.Rules).ToList();

        Assert.NotEmpty(rules);
        Assert.DoesNotContain(rules, r => r.Verbs.Contains("*") || r.Resources.Contains("*") || r.ApiGroups.Contains("*"));
        Assert.DoesNotContain(rules, r => r.Verbs.Intersect(["delete", "deletecollection", "escalate", "bind", "impersonate"]).Any());
    }

    [Fact]
    public async Task RestoreOff_LeavesOnlyReadRights_OutsideTheOperatorsOwnObjects()
    {
        var rendered = await HelmChart.TemplateAsync("restore-off");
        var writes = rendered.OfKind("ClusterRole").Concat(rendered.OfKind("Role")).SelectMany(HelmChart.Rules)
            .Where(r => r.Verbs.Intersect(WriteVerbs).Any())
            .SelectMany(r => r.Resources.Select(res => $"{string.Join(',', r.ApiGroups)}/{res}"))
            .ToHashSet();

        Assert.DoesNotContain(rendered.Objects, o => Rendered.Name(o).EndsWith("-restore", StringComparison.Ordinal));
        Assert.Subset(
            new HashSet<string>
            {
                "dbackup.io/encryptionprofilerefs", "dbackup.io/metabackuppolicies", "dbackup.io/metabackuprestores",
                "dbackup.io/encryptionprofilerefs/status", "dbackup.io/metabackuppolicies/status", "dbackup.io/metabackuprestores/status",
                "dbackup.io/encryptionprofilerefs/finalizers", "dbackup.io/metabackuppolicies/finalizers", "dbackup.io/metabackuprestores/finalizers",
                "/events", "coordination.k8s.io/leases",
            },
            writes);
    }

    [Fact]
    public async Task RestoreLimited_BindsWriteRightsPerNamespaceOnly()
    {
        var rendered = await HelmChart.TemplateAsync("restore-limited");

        Assert.DoesNotContain(rendered.OfKind("ClusterRoleBinding"), b => Rendered.Name(b) == $"{HelmChart.Release}-restore");
        var bindings = rendered.OfKind("RoleBinding").Where(b => Rendered.Name(b) == $"{HelmChart.Release}-restore").ToList();
        Assert.Equal(["team-a", "team-b"], bindings.Select(Rendered.Namespace));
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            AssertBound(rendered, "RoleBinding", $"{HelmChart.Release}-restore", ns);
        }

        // The backup side stays cluster-wide.
        AssertBound(rendered, "ClusterRoleBinding", $"{HelmChart.Release}-backup", null);
    }

    [Fact]
    public async Task ServiceAccountNotCreated_BindingsNameTheGivenAccount()
    {
        var rendered = await HelmChart.TemplateAsync("default", "--set", "serviceAccount.create=false", "--set", "serviceAccount.name=ops-sa");

        Assert.False(rendered.Has("ServiceAccount"));
        Assert.Equal("ops-sa", (string?)rendered.Single("Deployment", HelmChart.Release)["spec"]!["template"]!["spec"]!["serviceAccountName"]);
        Assert.All(rendered.OfKind("ClusterRoleBinding").Concat(rendered.OfKind("RoleBinding")),
            b => Assert.Equal("ops-sa", (string?)b["subjects"]![0]!["name"]));
    }

    /// <summary>The binding exists, names the operator's service account and a role that is rendered too.</summary>
    private static void AssertBound(Rendered rendered, string kind, string name, string? ns)
    {
        var binding = rendered.OfKind(kind).Single(b => Rendered.Name(b) == name && Rendered.Namespace(b) == ns);
        var subject = binding["subjects"]!.AsArray().Single()!;
        Assert.Equal("ServiceAccount", (string?)subject["kind"]);
        Assert.Equal(HelmChart.Release, (string?)subject["name"]);
        Assert.Equal(HelmChart.Namespace, (string?)subject["namespace"]);
        var roleRef = binding["roleRef"]!;
        rendered.Single((string)roleRef["kind"]!, (string)roleRef["name"]!);
    }
}
