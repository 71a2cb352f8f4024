using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Tests.Objects;

public sealed class ResourceNamesTests
{
    [Theory]
    // Core group.
    [InlineData("v1", "ConfigMap", "", "configmaps", ResourceScope.Namespaced)]
    [InlineData("v1", "Secret", "", "secrets", ResourceScope.Namespaced)]
    [InlineData("v1", "Namespace", "", "namespaces", ResourceScope.Cluster)]
    [InlineData("v1", "ServiceAccount", "", "serviceaccounts", ResourceScope.Namespaced)]
    [InlineData("v1", "Service", "", "services", ResourceScope.Namespaced)]
    [InlineData("v1", "PersistentVolumeClaim", "", "persistentvolumeclaims", ResourceScope.Namespaced)]
    [InlineData("v1", "Endpoints", "", "endpoints", ResourceScope.Namespaced)]
    // Named groups.
    [InlineData("apps/v1", "Deployment", "apps", "deployments", ResourceScope.Namespaced)]
    [InlineData("apps/v1", "StatefulSet", "apps", "statefulsets", ResourceScope.Namespaced)]
    [InlineData("apps/v1", "DaemonSet", "apps", "daemonsets", ResourceScope.Namespaced)]
    [InlineData("batch/v1", "CronJob", "batch", "cronjobs", ResourceScope.Namespaced)]
    [InlineData("batch/v1", "Job", "batch", "jobs", ResourceScope.Namespaced)]
    [InlineData("rbac.authorization.k8s.io/v1", "Role", "rbac.authorization.k8s.io", "roles", ResourceScope.Namespaced)]
    [InlineData("rbac.authorization.k8s.io/v1", "RoleBinding", "rbac.authorization.k8s.io", "rolebindings", ResourceScope.Namespaced)]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole", "rbac.authorization.k8s.io", "clusterroles", ResourceScope.Cluster)]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "rbac.authorization.k8s.io", "clusterrolebindings", ResourceScope.Cluster)]
    [InlineData("apiextensions.k8s.io/v1", "CustomResourceDefinition", "apiextensions.k8s.io", "customresourcedefinitions", ResourceScope.Cluster)]
    [InlineData("networking.k8s.io/v1", "Ingress", "networking.k8s.io", "ingresses", ResourceScope.Namespaced)]
    [InlineData("networking.k8s.io/v1", "NetworkPolicy", "networking.k8s.io", "networkpolicies", ResourceScope.Namespaced)]
    [InlineData("coordination.k8s.io/v1", "Lease", "coordination.k8s.io", "leases", ResourceScope.Namespaced)]
    // Our own kinds.
    [InlineData("dbackup.io/v1alpha1", "EncryptionProfileRef", "dbackup.io", "encryptionprofilerefs", ResourceScope.Namespaced)]
    [InlineData("dbackup.io/v1alpha1", "MetaBackupPolicy", "dbackup.io", "metabackuppolicies", ResourceScope.Namespaced)]
    [InlineData("dbackup.io/v1alpha1", "MetaBackupRestore", "dbackup.io", "metabackuprestores", ResourceScope.Namespaced)]
    public void Resolve_ReturnsKnownResource_WhenKindIsInTable(string apiVersion, string kind, string group, string plural, ResourceScope scope)
    {
        var name = ResourceNames.Guess(apiVersion, kind);

        Assert.Equal(group, name.Group);
        Assert.Equal(plural, name.Resource);
        Assert.Equal(scope, name.Scope);
        Assert.False(name.IsGuess);
        Assert.Equal(kind, name.Kind);
    }

    [Theory]
    // Regular words take 's'.
    [InlineData("Widget", "widgets")]
    [InlineData("Certificate", "certificates")]
    // Sibilants take 'es'.
    [InlineData("Prometheus", "prometheuses")]
    [InlineData("Box", "boxes")]
    [InlineData("Match", "matches")]
    [InlineData("Mesh", "meshes")]
    [InlineData("Quiz", "quizes")]
    // Consonant + y becomes ies, vowel + y keeps the y.
    [InlineData("Proxy", "proxies")]
    [InlineData("Gateway", "gateways")]
    [InlineData("Key", "keys")]
    // Endpoints are already plural.
    [InlineData("MyEndpoints", "myendpoints")]
    public void Pluralize_FollowsKubectlRules_WhenKindIsUnknown(string kind, string plural)
    {
        Assert.Equal(plural, ResourceNames.Pluralize(kind));
    }

    [Fact]
    public void Resolve_GuessesNamespacedPlural_WhenKindIsUnknown()
    {
        var name = ResourceNames.Guess("example.com/v1beta1", "Widget");

        Assert.Equal(new ResourceName("example.com", "v1beta1", "widgets", "Widget", ResourceScope.Namespaced, IsGuess: true), name);
    }

    [Fact]
    public void Resolve_DoesNotUseBuiltInScope_WhenSameKindIsInOtherGroup()
    {
        var name = ResourceNames.Guess("example.com/v1", "Namespace");

        Assert.True(name.IsGuess);
        Assert.Equal(ResourceScope.Namespaced, name.Scope);
    }

    [Fact]
    public void Resolve_UsesCrdNamesAndScope_WhenCrdWasLearned()
    {
        var names = new ResourceNames();
        var crd = JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "spec":{"group":"example.com","scope":"Cluster","names":{"kind":"Octopus","plural":"octopi"}}}
            """)!.AsObject();

        Assert.True(names.Learn(crd));
        var name = names.Resolve("example.com/v1", "Octopus");

        Assert.Equal("octopi", name.Resource);
        Assert.Equal(ResourceScope.Cluster, name.Scope);
        Assert.False(name.IsGuess);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b/c")]
    [InlineData("/v1")]
    public void Resolve_Throws_WhenApiVersionIsMalformed(string apiVersion)
    {
        Assert.Throws<ArgumentException>(() => ResourceNames.Guess(apiVersion, "ConfigMap"));
    }
}
