using DBackup.DevCluster.Faults;
using System.Text;
using DBackup.Operator.Tests.Backups;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Restore;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Restore;

/// <summary>CRDs go first and must be Established before their objects; the engine's log never carries Secret values.</summary>
public sealed class RestoreCrdTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Run_CreatesCrdFirst_WaitsForEstablished_ThenItsObjects()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        var group = $"{w.Namespace}.example.com";
        await WriteAsync(w, Crd(group, "widgets", "Widget"), Widget(group, "widgets", "Widget", w.Namespace, "w1"));

        var result = await w.RestoreAsync(w.Request());

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        var order = result.Items.Select(i => i.Resource).ToList();
        Assert.True(order.IndexOf("customresourcedefinitions.apiextensions.k8s.io") < order.IndexOf($"widgets.{group}"), string.Join(", ", order));
        var stored = await w.Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1", w.Namespace, "widgets", "w1");
        Assert.Contains("\"size\":3", stored.ToString()!.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FailsTheObjectsOfACrdThatNeverBecomesEstablished_AndAppliesTheRest()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        var group = $"{w.Namespace}.example.com";
        await WriteAsync(w, Crd(group, "gadgets", "Gizmo"));
        Assert.Equal(RestoreOutcome.Succeeded, (await w.RestoreAsync(w.Request())).Outcome);
        await w.ConfigMapAsync("app");
        File.Delete(Directory.GetFiles(Path.Combine(w.Destination.Root, "nightly"), "*.meta.json").Single());

        // A second CRD whose kind is taken: the server accepts it but never establishes it (NamesAccepted False).
        var config = new BackupObject(new ObjectRef("app", "", "v1", "configmaps", "ConfigMap", w.Namespace, "other"),
            Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other","namespace":"{{{w.Namespace}}}"}}"""));
        await WriteAsync(w, Crd(group, "gizmos", "Gizmo"), Widget(group, "gizmos", "Gizmo", w.Namespace, "g1"), config);

        var result = await w.RestoreAsync(w.Request() with { CrdEstablishTimeout = TimeSpan.FromSeconds(1) });

        Assert.Equal(RestoreOutcome.PartiallyFailed, result.Outcome);
        Assert.Contains("Established is False", RestoreWorld.Item(result, $"gizmos.{group}").Reason, StringComparison.Ordinal);
        Assert.Equal(RestoreAction.Fail, RestoreWorld.Item(result, $"gizmos.{group}").Action);
        var widget = RestoreWorld.Item(result, "g1");
        Assert.Equal(RestoreAction.Fail, widget.Action);
        Assert.Contains($"its CustomResourceDefinition gizmos.{group} is not established", widget.Reason, StringComparison.Ordinal);
        Assert.Equal(RestoreAction.Create, RestoreWorld.Item(result, "other").Action);
    }

    /// <summary>
    /// The read-back check: the cluster's CRD has a structural schema without <c>spec.colour</c>, so the server prunes
    /// it from the restored object. The write succeeds, but what is stored is not what the backup holds.
    /// </summary>
    [Fact]
    public async Task Run_FailsAnObjectTheServerStoredDifferently_NamingTheField()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        var group = $"{w.Namespace}.example.com";
        await WriteAsync(w, Crd(group, "widgets", "Widget", schema: """{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"}}}}}"""));
        Assert.Equal(RestoreOutcome.Succeeded, (await w.RestoreAsync(w.Request())).Outcome);
        File.Delete(Directory.GetFiles(Path.Combine(w.Destination.Root, "nightly"), "*.meta.json").Single());
        await WriteAsync(w, Widget(group, "widgets", "Widget", w.Namespace, "w1", colour: "blue"), ConfigMap(w.Namespace, "other"));

        var result = await w.RestoreAsync(w.Request());

        Assert.Equal(RestoreOutcome.PartiallyFailed, result.Outcome);
        var widget = RestoreWorld.Item(result, "w1");
        Assert.Equal((RestoreAction.Fail, "read back differs from what was written at spec.colour"), (widget.Action, widget.Reason));
        Assert.Equal(RestoreAction.Create, RestoreWorld.Item(result, "other").Action);
    }

    /// <summary>The read-back check when a written object cannot be found again (here the collection answers 404 to reads).</summary>
    [Fact]
    public async Task Run_FailsAnObjectThatIsNotFoundWhenReadBack()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await WriteAsync(w, ConfigMap(w.Namespace, "a"), ConfigMap(w.Namespace, "b"));
        using var fault = w.Cluster.Cluster.Faults.Add(FaultRule.Status(404, pathPattern: $"/api/v1/namespaces/{w.Namespace}/configmaps", method: "GET"));

        var result = await w.RestoreAsync(w.Request());

        Assert.Equal((RestoreOutcome.Failed, RestoreFailureKinds.AllObjectsFailed), (result.Outcome, result.FailureKind));
        Assert.StartsWith("every object failed; the first: ", result.FailureReason, StringComparison.Ordinal);
        Assert.All(result.Items.Where(i => i.Resource == "configmaps"), i => Assert.Equal((RestoreAction.Fail, "written, but not found when read back"), (i.Action, i.Reason)));
        Assert.NotNull(await w.Client.CoreV1.ReadNamespacedConfigMapAsync("a", w.Namespace));
    }

    /// <summary>
    /// Planning and the read-back match objects across LIST pages (500 each; the next page is requested while one is
    /// matched): one object on the last page differs, one on the first is already there, the rest are new.
    /// </summary>
    [Fact]
    public async Task Run_PlansAndReadsBackEveryPage_OfALargeCollection()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        var names = Enumerable.Range(0, 1_201).Select(i => $"cm-{i:D4}").ToArray();
        await WriteAsync(w, [.. names.Select(n => ConfigMap(w.Namespace, n))]);
        await w.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm-0000" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, w.Namespace);
        await w.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm-1200" }, Data = new Dictionary<string, string> { ["k"] = "old" } }, w.Namespace);

        var result = await w.RestoreAsync(w.Request(Entities.RestoreMode.Overwrite));

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.Equal((1_199, 1, 1, 0), (result.Counts.Created, result.Counts.Updated, result.Counts.Unchanged, result.Counts.Failed));
        Assert.Equal("v", (await w.Client.CoreV1.ReadNamespacedConfigMapAsync("cm-1200", w.Namespace)).Data["k"]);
    }

    /// <summary>A later page of the read-back fails (the continue token expired: 410): nothing written is reported verified.</summary>
    [Fact]
    public async Task Run_FailsEveryWrittenObjectAsUnverified_WhenALaterReadBackPageFails()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await WriteAsync(w, [.. Enumerable.Range(0, 1_001).Select(i => ConfigMap(w.Namespace, $"cm-{i:D4}"))]);
        var expired = FaultRule.Status(410, pathPattern: $"/api/v1/namespaces/{w.Namespace}/configmaps?*continue=*", method: "GET");
        using var fault = w.Cluster.Cluster.Faults.Add(expired);

        var result = await w.RestoreAsync(w.Request());

        Assert.Equal(RestoreOutcome.Failed, result.Outcome);
        Assert.Equal(1_001, result.Counts.Failed);
        Assert.True(expired.Fired > 0);
        Assert.All(result.Items.Where(i => i.Resource == "configmaps"), i => Assert.StartsWith("written, but could not be read back to verify: ", i.Reason, StringComparison.Ordinal));
        Assert.NotNull(await w.Client.CoreV1.ReadNamespacedConfigMapAsync("cm-1000", w.Namespace));
    }

    [Fact]
    public async Task Run_LogsNoSecretValue()
    {
        const string canary = "canary-log-5c1e";
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.SecretAsync("db", "old");
        await w.BackupAsync();
        await w.Client.CoreV1.DeleteNamespacedSecretAsync("db", w.Namespace);
        await w.SecretAsync("db", canary);
        var log = new CollectingLogger<RestoreEngine>();

        var result = await new RestoreEngine(w.Api, log).RunAsync(w.Request(Entities.RestoreMode.Overwrite) with
        {
            SafetyBackup = new SafetyBackupTarget { Destination = w.Destination, Key = w.Key, TempDirectory = w.Root },
        }, CancellationToken.None);

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.NotEmpty(log.Lines);
        Assert.DoesNotContain(canary, log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary)), log.Text, StringComparison.Ordinal);
    }

    private static BackupObject ConfigMap(string ns, string name) => new(
        new ObjectRef("app", "", "v1", "configmaps", "ConfigMap", ns, name),
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"data":{"k":"v"}}"""));

    private static BackupObject Crd(string group, string plural, string kind, string schema = """{"type":"object","x-kubernetes-preserve-unknown-fields":true}""") => new(
        new ObjectRef("crds", "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", null, $"{plural}.{group}"),
        Encoding.UTF8.GetBytes($$$$"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"{{{{plural}}}}.{{{{group}}}}"},
             "spec":{"group":"{{{{group}}}}","scope":"Namespaced","names":{"kind":"{{{{kind}}}}","plural":"{{{{plural}}}}","singular":"{{{{kind.ToLowerInvariant()}}}}","listKind":"{{{{kind}}}}List"},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{{{{schema}}}}}}]}}
            """));

    private static BackupObject Widget(string group, string plural, string kind, string ns, string name, string? colour = null)
    {
        var spec = new System.Text.Json.Nodes.JsonObject { ["size"] = 3 };
        if (colour is not null)
        {
            spec["colour"] = colour;
        }

        return new(
            new ObjectRef("crs", group, "v1", plural, kind, ns, name),
            Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
            {
                ["apiVersion"] = $"{group}/v1", ["kind"] = kind,
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["namespace"] = ns },
                ["spec"] = spec,
            }.ToJsonString()));
    }

    private static Task<BackupResult> WriteAsync(RestoreWorld w, params BackupObject[] objects) =>
        new BackupPipeline().WriteAsync(new BackupRequest { Policy = "nightly", Trigger = "manual", Key = w.Key }, objects.ToAsyncEnumerable(), w.Destination, CancellationToken.None);
}
