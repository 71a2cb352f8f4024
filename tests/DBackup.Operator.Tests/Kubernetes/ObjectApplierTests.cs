using System.Text;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.Archive;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Kubernetes;

/// <summary>Applying collected objects back into DevCluster: mapping, modes, redaction, failures.</summary>
public sealed class ObjectApplierTests : IAsyncLifetime
{
    private DevCluster.DevCluster _cluster = null!;
    private IKubernetes _client = null!;
    private KubeApi _api = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DevCluster.DevCluster.StartAsync();
        _client = _cluster.Client;
        _api = new KubeApi((k8s.Kubernetes)_client);
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } });
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "app" }, Data = new Dictionary<string, string> { ["color"] = "blue" } }, "shop");
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "db" }, StringData = new Dictionary<string, string> { ["password"] = "real-value" } }, "shop");
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ApplyAsync_CreatesEverythingInMappedNamespace_AndReadsItBack()
    {
        var objects = await CollectAsync(includeSecrets: true);

        var outcomes = await ApplyAsync(objects, RestoreMode.Merge, ("shop", "shop-copy"));

        Assert.Contains(outcomes, o => o is { Resource: "namespaces", Name: "shop-copy", Action: "create" });
        Assert.Contains(outcomes, o => o is { Resource: "configmaps", Namespace: "shop-copy", Name: "app", Action: "create" });
        Assert.Contains(outcomes, o => o is { Resource: "secrets", Namespace: "shop-copy", Name: "db", Action: "create" });
        var copy = await _client.CoreV1.ReadNamespacedSecretAsync("db", "shop-copy");
        Assert.Equal("real-value", Encoding.UTF8.GetString(copy.Data["password"]));
        Assert.Equal("blue", (await _client.CoreV1.ReadNamespacedConfigMapAsync("app", "shop-copy")).Data["color"]);
    }

    [Fact]
    public async Task ApplyAsync_ReportsUnchanged_WhenObjectsAlreadyMatch()
    {
        var objects = await CollectAsync(includeSecrets: true);

        var outcomes = await ApplyAsync(objects, RestoreMode.Overwrite);

        Assert.All(outcomes, o => Assert.Equal("unchanged", o.Action));
    }

    [Fact]
    public async Task ApplyAsync_KeepsOrReplacesChangedObject_DependingOnMode()
    {
        var objects = await CollectAsync(includeSecrets: true);
        await ChangeColorAsync("red");

        var merge = await ApplyAsync(objects, RestoreMode.Merge);
        Assert.Contains(merge, o => o is { Name: "app", Action: "skip" });
        Assert.Equal("red", (await _client.CoreV1.ReadNamespacedConfigMapAsync("app", "shop")).Data["color"]);

        var overwrite = await ApplyAsync(objects, RestoreMode.Overwrite);
        var updated = Assert.Single(overwrite, o => o.Name == "app");
        Assert.Equal("update", updated.Action);
        Assert.Contains("data.color", updated.Reason, StringComparison.Ordinal);
        Assert.Equal("blue", (await _client.CoreV1.ReadNamespacedConfigMapAsync("app", "shop")).Data["color"]);
    }

    [Fact]
    public async Task ApplyAsync_NeverOverwritesRealSecretWithRedactedOne()
    {
        var redacted = await CollectAsync(includeSecrets: false);

        var outcomes = await ApplyAsync(redacted, RestoreMode.Overwrite);
        var intoNewNamespace = await ApplyAsync(redacted, RestoreMode.Overwrite, ("shop", "fresh"));

        Assert.Contains(outcomes, o => o is { Name: "db", Action: "skip" } && o.Reason!.Contains("redacted", StringComparison.Ordinal));
        Assert.Equal("real-value", Encoding.UTF8.GetString((await _client.CoreV1.ReadNamespacedSecretAsync("db", "shop")).Data["password"]));
        Assert.Contains(intoNewNamespace, o => o is { Name: "db", Action: "create" } && o.Reason!.Contains("placeholder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_ReportsFailurePerObject_AndAppliesTheRest()
    {
        var objects = (await CollectAsync(includeSecrets: true)).ToList();
        var bad = new ObjectRef("app", string.Empty, "v1", "configmaps", "ConfigMap", "shop", "Not_A_Valid_Name");
        objects.Add(new BackupObject(bad, Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_A_Valid_Name","namespace":"shop"}}""")));

        var outcomes = await ApplyAsync(objects, RestoreMode.Merge, ("shop", "partial"));

        var failed = Assert.Single(outcomes, o => o.Action == "fail");
        Assert.Equal("Not_A_Valid_Name", failed.Name);
        Assert.Contains(outcomes, o => o is { Name: "app", Action: "create" });
    }

    private async Task ChangeColorAsync(string color)
    {
        var cm = await _client.CoreV1.ReadNamespacedConfigMapAsync("app", "shop");
        cm.Data["color"] = color;
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "app", "shop");
    }

    private async Task<IReadOnlyList<ApplyOutcome>> ApplyAsync(IEnumerable<BackupObject> objects, RestoreMode mode, (string From, string To)? map = null) =>
        await new ObjectApplier(_api).ApplyAsync(
            objects,
            new ApplyOptions { Mode = mode, NamespaceMapping = map is { } m ? new Dictionary<string, string> { [m.From] = m.To } : new Dictionary<string, string>() },
            CancellationToken.None);

    private async Task<IReadOnlyList<BackupObject>> CollectAsync(bool includeSecrets)
    {
        var list = new List<BackupObject>();
        var source = new CollectionSource { Component = "app", Resources = ["configmaps", "secrets"], Namespaces = ["shop"] };
        await foreach (var o in new ObjectCollector(_api).CollectAsync([source], includeSecrets, new CollectionStats(), CancellationToken.None))
        {
            list.Add(o);
        }

        return list;
    }
}
