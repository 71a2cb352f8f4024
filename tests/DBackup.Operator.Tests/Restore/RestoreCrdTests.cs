using System.Text;
using DBackup.Operator.Tests.Backups;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Restore;
using k8s;

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

    private static BackupObject Crd(string group, string plural, string kind) => new(
        new ObjectRef("crds", "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", null, $"{plural}.{group}"),
        Encoding.UTF8.GetBytes($$$$"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"{{{{plural}}}}.{{{{group}}}}"},
             "spec":{"group":"{{{{group}}}}","scope":"Namespaced","names":{"kind":"{{{{kind}}}}","plural":"{{{{plural}}}}","singular":"{{{{kind.ToLowerInvariant()}}}}","listKind":"{{{{kind}}}}List"},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """));

    private static BackupObject Widget(string group, string plural, string kind, string ns, string name) => new(
        new ObjectRef("crs", group, "v1", plural, kind, ns, name),
        Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = $"{group}/v1", ["kind"] = kind,
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new System.Text.Json.Nodes.JsonObject { ["size"] = 3 },
        }.ToJsonString()));

    private static Task<BackupResult> WriteAsync(RestoreWorld w, params BackupObject[] objects) =>
        new BackupPipeline().WriteAsync(new BackupRequest { Policy = "nightly", Trigger = "manual", Key = w.Key }, objects.ToAsyncEnumerable(), w.Destination, CancellationToken.None);
}
