using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class ConflictTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Update_Returns409Conflict_WhenResourceVersionIsStale()
    {
        var ns = await fx.NamespaceAsync();
        var first = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("c"), ns);
        var stale = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns);
        first.Data["k"] = "one";
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "c", ns);
        stale.Data["k"] = "two";

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(stale, "c", ns));

        Assert.Equal(409, code);
        Assert.Equal("Conflict", status!.Reason);
        Assert.Equal("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again", status.Message);
        Assert.Equal("one", (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("c", ns)).Data["k"]);
    }

    [Fact]
    public async Task Update_SucceedsUnconditionally_WhenBuiltInHasNoResourceVersion()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("u"), ns);

        var updated = await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(Some.ConfigMap("u", new Dictionary<string, string> { ["k"] = "new" }), "u", ns);

        Assert.Equal("new", updated.Data["k"]);
    }

    [Fact]
    public async Task Update_Returns422_WhenCustomResourceHasNoResourceVersion()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));

        var (code, status, _) = await Some.FailureAsync(() =>
            fx.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(Crds.Widget("w", 3).WithType(group), group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal(422, code);
        Assert.Contains("metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", status!.Message);
    }

    [Fact]
    public async Task StatusUpdate_Returns409_WhenCustomResourceVersionIsStale()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        var created = await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        var bump = (JsonObject)created.DeepClone();
        bump["spec"]!["size"] = 5;
        await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(bump, group, Crds.Version, ns, "widgets", "w");
        created["status"] = new JsonObject { ["phase"] = "Ready" };

        var (code, status, _) = await Some.FailureAsync(() =>
            fx.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(created, group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal(409, code);
        Assert.Equal($"Operation cannot be fulfilled on widgets.{group} \"w\": the object has been modified; please apply your changes to the latest version and try again", status!.Message);
        Assert.Equal(group, status.Details.Group);
    }

    [Fact]
    public async Task Delete_Returns409_WhenPreconditionResourceVersionIsStale()
    {
        var ns = await fx.NamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("d"), ns);
        created.Data["k"] = "changed";
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "d", ns);

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("d", ns,
            new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = created.Metadata.ResourceVersion } }));

        Assert.Equal(409, code);
        Assert.Contains("Precondition failed", status!.Message);
        Assert.NotNull(await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("d", ns));
    }

    [Fact]
    public async Task Patch_Returns409_WhenPatchCarriesStaleResourceVersion()
    {
        var ns = await fx.NamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("p"), ns);
        created.Data["k"] = "changed";
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "p", ns);
        var patch = new V1Patch("{\"metadata\":{\"resourceVersion\":\"" + created.Metadata.ResourceVersion + "\"},\"data\":{\"x\":\"y\"}}", V1Patch.PatchType.MergePatch);

        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "p", ns));

        Assert.Equal(409, code);
    }

    [Fact]
    public async Task ConcurrentRetryLoop_Converges_WhenWritersRaceWithRetryOnConflict()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("counter", new Dictionary<string, string> { ["n"] = "0" }), ns);
        var conflicts = 0;

        async Task IncrementAsync()
        {
            while (true)
            {
                var cm = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("counter", ns);
                cm.Data["n"] = (int.Parse(cm.Data["n"]) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "counter", ns);
                    return;
                }
                catch (k8s.Autorest.HttpOperationException e) when ((int)e.Response.StatusCode == 409)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(IncrementAsync)));

        Assert.Equal("20", (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("counter", ns)).Data["n"]);
    }
}
