using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class DeletionTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private async Task<bool> ExistsAsync(string name, string ns)
    {
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: $"metadata.name={name}");
        return list.Items.Count > 0;
    }

    private static V1OwnerReference OwnerRef(V1ConfigMap owner, bool block = false) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        BlockOwnerDeletion = block,
    };

    private async Task<(string Ns, V1ConfigMap Owner)> OwnerWithDependentsAsync(params string[] dependents)
    {
        var ns = await fx.NamespaceAsync();
        var owner = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("owner"), ns);
        foreach (var d in dependents)
        {
            var cm = Some.ConfigMap(d);
            cm.Metadata.OwnerReferences = [OwnerRef(owner, block: true)];
            await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        }
        return (ns, owner);
    }

    [Fact]
    public async Task Delete_ReturnsSuccessStatus_ForConfigMaps()
    {
        var ns = await fx.NamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("gone"), ns);

        var status = await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("gone", ns);

        Assert.Equal("Success", status.Status);
        Assert.Equal("gone", status.Details.Name);
        Assert.Equal(cm.Metadata.Uid, status.Details.Uid);
        Assert.False(await ExistsAsync("gone", ns));
    }

    [Fact]
    public async Task Delete_ReturnsTheObject_ForCustomResources()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));

        var deleted = Crds.ToNode(await fx.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal("Widget", deleted["kind"]!.GetValue<string>());
        Assert.Equal(404, (await Some.FailureAsync(() => Crds.GetAsync(fx.Client, group, ns, "w"))).Code);
    }

    [Fact]
    public async Task Delete_SetsDeletionTimestampOnly_WhileFinalizersRemain_ThenRemovesWhenCleared()
    {
        var ns = await fx.NamespaceAsync();
        var cm = Some.ConfigMap("held");
        cm.Metadata.Finalizers = ["example.com/hold"];
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);

        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("held", ns);
        var held = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        Assert.NotNull(held.Metadata.DeletionTimestamp);
        Assert.Equal(0, held.Metadata.DeletionGracePeriodSeconds);

        held.Metadata.Finalizers = [];
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "held", ns);

        Assert.False(await ExistsAsync("held", ns));
    }

    [Fact]
    public async Task Update_Returns422_WhenAddingFinalizerToDeletingObject()
    {
        var ns = await fx.NamespaceAsync();
        var cm = Some.ConfigMap("held");
        cm.Metadata.Finalizers = ["example.com/a"];
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("held", ns);
        var held = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        held.Metadata.Finalizers.Add("example.com/b");

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "held", ns));

        Assert.Equal(422, code);
        Assert.Contains("no new finalizers can be added if the object is being deleted", status!.Message);
    }

    [Fact]
    public async Task Delete_BumpsGeneration_ForCustomResourceWithFinalizer()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        var w = Crds.Widget("w");
        w["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        await Crds.CreateAsync(fx.Client, group, ns, w);

        var deleting = Crds.ToNode(await fx.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(group, Crds.Version, ns, "widgets", "w"));

        Assert.NotNull(deleting["metadata"]!["deletionTimestamp"]);
        Assert.Equal(2, deleting["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task NamespaceDelete_TerminatesRemovesContentAndDisappears()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("content"), ns);
        var cm = Some.ConfigMap("blocker");
        cm.Metadata.Finalizers = ["example.com/hold"];
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);

        var deleting = await fx.Client.CoreV1.DeleteNamespaceAsync(ns);
        await Some.EventuallyAsync(async () => !await ExistsAsync("content", ns), "namespace content deleted");
        var terminating = await fx.Client.CoreV1.ReadNamespaceAsync(ns);
        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("late"), ns));

        Assert.Equal(200, deleting.Code ?? 200);
        Assert.Equal("Terminating", terminating.Status.Phase);
        await Some.EventuallyAsync(async () => (await fx.Client.CoreV1.ReadNamespaceAsync(ns)).Status.Conditions?.Any(c => c.Type == "NamespaceFinalizersRemaining") == true, "conditions");
        var conditions = (await fx.Client.CoreV1.ReadNamespaceAsync(ns)).Status.Conditions;
        Assert.Equal("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
            conditions.Single(c => c.Type == "NamespaceFinalizersRemaining").Message);
        Assert.Equal("Some resources are remaining: configmaps. has 1 resource instances", conditions.Single(c => c.Type == "NamespaceContentRemaining").Message);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(403, code);
        Assert.Equal($"configmaps \"late\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", status!.Message);

        var blocker = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("blocker", ns);
        blocker.Metadata.Finalizers = [];
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(blocker, "blocker", ns);
        await Some.EventuallyAsync(async () => (await fx.Client.CoreV1.ListNamespaceAsync(fieldSelector: $"metadata.name={ns}")).Items.Count == 0, "namespace removed");
    }

    [Fact]
    public async Task NamespaceDelete_Returns403_ForDefaultNamespace()
    {
        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.DeleteNamespaceAsync("default"));

        Assert.Equal(403, code);
        Assert.Equal("namespaces \"default\" is forbidden: this namespace may not be deleted", status!.Message);
    }

    [Fact]
    public async Task BackgroundPropagation_DeletesDependents_AfterOwner()
    {
        var (ns, _) = await OwnerWithDependentsAsync("dep1", "dep2");

        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns);

        Assert.False(await ExistsAsync("owner", ns));
        await Some.EventuallyAsync(async () => !await ExistsAsync("dep1", ns) && !await ExistsAsync("dep2", ns), "dependents collected");
    }

    [Fact]
    public async Task ForegroundPropagation_KeepsOwnerUntilDependentsAreGone()
    {
        var (ns, _) = await OwnerWithDependentsAsync("dep");
        var dep = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns);
        dep.Metadata.Finalizers = ["example.com/slow"];
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(dep, "dep", ns);

        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Foreground");
        await Some.EventuallyAsync(async () => (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns)).Metadata.DeletionTimestamp is not null, "dependent deleting");
        var owner = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("owner", ns);
        Assert.Contains("foregroundDeletion", owner.Metadata.Finalizers);
        Assert.NotNull(owner.Metadata.DeletionTimestamp);

        dep = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns);
        dep.Metadata.Finalizers = dep.Metadata.Finalizers.Where(f => f != "example.com/slow").ToList();
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(dep, "dep", ns);
        await Some.EventuallyAsync(async () => !await ExistsAsync("owner", ns) && !await ExistsAsync("dep", ns), "owner deleted after dependent");
    }

    [Fact]
    public async Task OrphanPropagation_KeepsDependentsAndRemovesOwnerReference()
    {
        var (ns, _) = await OwnerWithDependentsAsync("dep");

        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", ns, propagationPolicy: "Orphan");
        await Some.EventuallyAsync(async () => !await ExistsAsync("owner", ns), "owner deleted");
        await fx.Cluster.WaitForControllersAsync();

        var dep = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns);
        Assert.Null(dep.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Dependent_KeepsLiving_WhenAnotherOwnerStillExists()
    {
        var ns = await fx.NamespaceAsync();
        var a = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("a"), ns);
        var b = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("b"), ns);
        var dep = Some.ConfigMap("dep");
        dep.Metadata.OwnerReferences = [OwnerRef(a), OwnerRef(b)];
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(dep, ns);

        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", ns);
        await Some.EventuallyAsync(async () => (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns)).Metadata.OwnerReferences.Count == 1, "dead owner reference removed");

        Assert.Equal(b.Metadata.Uid, (await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("dep", ns)).Metadata.OwnerReferences.Single().Uid);
    }

    [Fact]
    public async Task CrdDelete_RemovesAllItsObjectsAndTheResource()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w1"));
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w2"));

        await fx.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync($"widgets.{group}");
        await Some.EventuallyAsync(async () =>
            (await fx.Client.ApiextensionsV1.ListCustomResourceDefinitionAsync(fieldSelector: $"metadata.name=widgets.{group}")).Items.Count == 0, "CRD removed");

        // The API endpoint goes away a moment after the CRD object, as in kube-apiserver, whose CRD
        // handler drops the resource's storage when its informer sees the deletion.
        await Some.EventuallyAsync(async () =>
        {
            try
            {
                await fx.Client.CustomObjects.ListNamespacedCustomObjectAsync(group, Crds.Version, ns, "widgets");
                return false;
            }
            catch (k8s.Autorest.HttpOperationException e)
            {
                return (int)e.Response.StatusCode == 404;
            }
        }, "the widgets endpoint answers 404");
        var recreatedGroup = await Crds.CreateWidgetCrdAsync(fx.Client, group: group);
        var list = Crds.ToNode(await fx.Client.CustomObjects.ListNamespacedCustomObjectAsync(recreatedGroup, Crds.Version, ns, "widgets"));
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task DeleteCollection_DeletesMatchingObjectsOnly()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("x1", labels: new Dictionary<string, string> { ["x"] = "1" }), ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("x2", labels: new Dictionary<string, string> { ["x"] = "1" }), ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("keep"), ns);

        await fx.Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: "x=1");

        Assert.False(await ExistsAsync("x1", ns));
        Assert.False(await ExistsAsync("x2", ns));
        Assert.True(await ExistsAsync("keep", ns));
    }
}
