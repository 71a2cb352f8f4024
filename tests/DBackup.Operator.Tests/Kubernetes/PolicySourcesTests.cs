using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using k8s.Models;

namespace DBackup.Operator.Tests.Kubernetes;

public sealed class PolicySourcesTests
{
    private static readonly string[] Admin = ["dbackup-system"];

    [Fact]
    public void From_ReadsOwnNamespaceOnly_WhenNamespacesAreOmitted()
    {
        var source = Assert.Single(PolicySources.From(Policy("team-a"), Admin));

        Assert.Equal(["team-a"], source.Namespaces);
        Assert.False(source.AllowClusterScoped);
        Assert.Equal("app", source.Component);
        Assert.Equal(["configmaps", "secrets"], source.Resources);
    }

    [Theory]
    [InlineData("team-b")]
    [InlineData("kube-system")]
    public void From_RefusesOtherNamespaces_OutsideAdminNamespaces(string foreign)
    {
        var error = Assert.Throws<TenancyException>(() => PolicySources.From(Policy("team-a", namespaces: ["team-a", foreign]), Admin));

        Assert.Contains(foreign, error.Message, StringComparison.Ordinal);
        Assert.Contains("only read its own namespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_RefusesNamespaceSelector_OutsideAdminNamespaces()
    {
        var error = Assert.Throws<TenancyException>(() => PolicySources.From(Policy("team-a", selector: "team=b"), Admin));

        Assert.Contains("namespaceSelector", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_AllowsOtherNamespacesSelectorsAndClusterScope_InAdminNamespace()
    {
        var listed = Assert.Single(PolicySources.From(Policy("dbackup-system", namespaces: ["team-a", "team-b"]), Admin));
        var selected = Assert.Single(PolicySources.From(Policy("dbackup-system", selector: "backup=true"), Admin));

        Assert.Equal(["team-a", "team-b"], listed.Namespaces);
        Assert.True(listed.AllowClusterScoped);
        Assert.Empty(selected.Namespaces);
        Assert.Equal("backup=true", selected.NamespaceSelector);
    }

    private static MetaBackupPolicy Policy(string ns, List<string>? namespaces = null, string? selector = null)
    {
        var policy = new MetaBackupPolicy { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = ns } };
        policy.Spec.Sources =
        [
            new BackupSource { Name = "app", Kubernetes = new KubernetesSource { Resources = ["configmaps", "secrets"], Namespaces = namespaces, NamespaceSelector = selector } },
        ];
        return policy;
    }
}
