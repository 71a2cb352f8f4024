using System.Text.Json.Nodes;
using k8s;

namespace DBackup.DevCluster.Tests.Server;

public sealed class StatusSubresourceTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task MainUpdate_IgnoresStatus_WhenCrdDeclaresStatusSubresource()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        var created = await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        created["status"] = new JsonObject { ["phase"] = "Hacked" };
        created["spec"]!["size"] = 4;

        var updated = Crds.ToNode(await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, group, Crds.Version, ns, "widgets", "w"));

        Assert.Null(updated["status"]);
        Assert.Equal(4, updated["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(2, updated["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Create_DropsStatus_WhenCrdDeclaresStatusSubresource()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        var w = Crds.Widget("w");
        w["status"] = new JsonObject { ["phase"] = "Preset" };

        var created = await Crds.CreateAsync(fx.Client, group, ns, w);

        Assert.Null(created["status"]);
    }

    [Fact]
    public async Task StatusUpdate_IgnoresSpecAndMetadata_AndKeepsGeneration()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        var created = await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        created["status"] = new JsonObject { ["phase"] = "Ready", ["observed"] = 1 };
        created["spec"]!["size"] = 9;
        created["metadata"]!["labels"] = new JsonObject { ["sneaky"] = "yes" };

        var updated = Crds.ToNode(await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(created, group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal("Ready", updated["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(2, updated["spec"]!["size"]!.GetValue<int>());
        Assert.Null(updated["metadata"]!["labels"]);
        Assert.Equal(1, updated["metadata"]!["generation"]!.GetValue<long>());
        Assert.NotEqual(created["metadata"]!["resourceVersion"]!.GetValue<string>(), updated["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task StatusPatch_ChangesOnlyStatus_WhenMergePatchTouchesSpecToo()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        var patch = new k8s.Models.V1Patch("""{"spec":{"size":7},"status":{"phase":"Done"}}""", k8s.Models.V1Patch.PatchType.MergePatch);

        var patched = Crds.ToNode(await fx.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal("Done", patched["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(2, patched["spec"]!["size"]!.GetValue<int>());
    }

    [Fact]
    public async Task MainUpdate_StoresStatusAndBumpsGeneration_WhenNoStatusSubresource()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client, statusSubresource: false);
        var created = await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        created["status"] = new JsonObject { ["phase"] = "Inline" };

        var updated = Crds.ToNode(await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal("Inline", updated["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(2, updated["metadata"]!["generation"]!.GetValue<long>());
        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(updated, group, Crds.Version, ns, "widgets", "w"));
        Assert.Equal(404, code);
    }

    [Fact]
    public async Task MetadataOnlyUpdate_DoesNotBumpGeneration_ForCustomResources()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        var created = await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        created["metadata"]!["annotations"] = new JsonObject { ["a"] = "b" };

        var updated = Crds.ToNode(await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal(1, updated["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal("b", updated["metadata"]!["annotations"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task StatusUpdate_Returns400_WhenStrictAndStatusHasUnknownField()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        var created = await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        created["status"] = new JsonObject { ["phase"] = "Ready", ["typo"] = 1 };

        var (code, status, _) = await Some.FailureAsync(() =>
            fx.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(created, group, Crds.Version, ns, "widgets", "w", fieldValidation: "Strict"));
        var lenient = Crds.ToNode(await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(created, group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal(400, code);
        Assert.Contains("unknown field \"status.typo\"", status!.Message);
        Assert.Null(lenient["status"]!["typo"]);
        Assert.Equal("Ready", lenient["status"]!["phase"]!.GetValue<string>());
    }
}
