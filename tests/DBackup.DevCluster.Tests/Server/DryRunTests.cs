using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class DryRunTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task DryRunCreate_ReturnsObjectButStoresNothing()
    {
        var ns = await fx.NamespaceAsync();
        var before = fx.Cluster.ResourceVersion;

        var result = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("dry"), ns, dryRun: "All");

        Assert.Equal("dry", result.Metadata.Name);
        Assert.False(string.IsNullOrEmpty(result.Metadata.Uid));
        Assert.Equal(404, (await Some.FailureAsync(() => fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dry", ns))).Code);
        Assert.Equal(before, fx.Cluster.ResourceVersion);
    }

    [Fact]
    public async Task DryRunCreate_StillValidates()
    {
        var ns = await fx.NamespaceAsync();

        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("BAD"), ns, dryRun: "All"));

        Assert.Equal(422, code);
    }

    [Fact]
    public async Task DryRunUpdateAndPatch_ReturnWouldBeObjectButKeepStoredOne()
    {
        var ns = await fx.NamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("u"), ns);
        cm.Data["k"] = "updated";

        var updated = await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "u", ns, dryRun: "All");
        var patched = await fx.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"patched"}}""", V1Patch.PatchType.MergePatch), "u", ns, dryRun: "All");

        Assert.Equal("updated", updated.Data["k"]);
        Assert.Equal("patched", patched.Data["k"]);
        var stored = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("u", ns);
        Assert.Equal("v", stored.Data["k"]);
        Assert.Equal(cm.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task DryRunDelete_KeepsObject()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("d"), ns);

        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("d", ns, dryRun: "All");

        Assert.NotNull(await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("d", ns));
    }

    [Fact]
    public async Task DryRun_Returns400_ForUnknownValue()
    {
        var ns = await fx.NamespaceAsync();

        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("x"), ns, dryRun: "Some"));

        Assert.Equal(400, code);
    }
}
