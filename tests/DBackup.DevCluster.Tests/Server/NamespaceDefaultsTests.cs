using k8s;

namespace DBackup.DevCluster.Tests.Server;

public sealed class NamespaceDefaultsTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Start_CreatesTheStandardNamespaces()
    {
        var names = (await fx.Client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "default", "kube-system", "kube-public", "kube-node-lease" }, names);
    }

    [Fact]
    public async Task NewNamespace_GetsDefaultServiceAccountAndRootCaConfigMap()
    {
        var ns = await fx.NamespaceAsync();

        await Some.EventuallyAsync(async () =>
            (await fx.Client.CoreV1.ListNamespacedServiceAccountAsync(ns)).Items.Any(s => s.Metadata.Name == "default"), "default ServiceAccount");
        await Some.EventuallyAsync(async () =>
            (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items.Any(c => c.Metadata.Name == "kube-root-ca.crt"), "kube-root-ca.crt");
        var ca = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", ca.Data["ca.crt"]);
    }

    [Fact]
    public async Task NewNamespace_IsActiveWithKubernetesFinalizerAndNameLabel()
    {
        var ns = await fx.NamespaceAsync();

        var obj = await fx.Client.CoreV1.ReadNamespaceAsync(ns);

        Assert.Equal("Active", obj.Status.Phase);
        Assert.Equal(["kubernetes"], obj.Spec.Finalizers);
        Assert.Equal(ns, obj.Metadata.Labels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public async Task NamespaceCreate_Returns422_WhenNameIsNotADnsLabel()
    {
        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = "a.b" } }));

        Assert.Equal(422, code);
        Assert.Contains("a lowercase RFC 1123 label", status!.Message);
    }
}
