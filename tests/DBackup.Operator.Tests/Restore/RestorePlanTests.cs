using System.Text;
using DBackup.Operator.Entities;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Restore;
using k8s;

namespace DBackup.Operator.Tests.Restore;

/// <summary>Dry runs and filters: plans with diffs and server validation, nothing written; each filter narrows the restore.</summary>
public sealed class RestorePlanTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    private const string Canary = "canary-plan-77c2-never-shown";

    [Fact]
    public async Task DryRun_PlansEveryAction_WithDiffs_AndWritesNothing()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("same", "blue");
        await w.ConfigMapAsync("changed", "blue");
        await w.ConfigMapAsync("deleted", "blue");
        await w.SecretAsync("db", Canary);
        await w.BackupAsync();
        await w.SetColorAsync("changed", "red");
        await w.Client.CoreV1.DeleteNamespacedConfigMapAsync("deleted", w.Namespace);
        await w.Client.CoreV1.DeleteNamespacedSecretAsync("db", w.Namespace);
        await w.SecretAsync("db", "other-" + Canary);
        var revision = w.Cluster.Cluster.ResourceVersion;

        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite, dryRun: true));

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.True(result.DryRun);
        Assert.Equal(RestoreAction.Unchanged, RestoreWorld.Item(result, "same").Action);
        Assert.Equal(("data.color: \"red\" → \"blue\""), RestoreWorld.Item(result, "changed").Reason);
        Assert.Equal(RestoreAction.Create, RestoreWorld.Item(result, "deleted").Action);
        Assert.Equal("data.password: (secret value changed)", RestoreWorld.Item(result, "db").Reason);
        Assert.Null(result.SafetyBackupName);
        Assert.Equal(revision, w.Cluster.Cluster.ResourceVersion);
        Assert.Equal("red", await w.ColorAsync("changed"));
        Assert.DoesNotContain(Canary, string.Join('\n', result.Items.Select(i => i.Reason)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_ReportsServerValidationErrors_AsPlanFailures()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await WriteBackupAsync(w,
            ("good", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"good","namespace":"NS"},"data":{"a":"1"}}"""),
            ("bad", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad","namespace":"NS","labels":{"not a valid key!":"x"}}}"""));
        var revision = w.Cluster.Cluster.ResourceVersion;

        var result = await w.RestoreAsync(w.Request(dryRun: true));

        Assert.Equal(RestoreOutcome.PartiallyFailed, result.Outcome);
        Assert.Equal(("bad", RestoreAction.Fail), (result.Items[0].Name, result.Items[0].Action));
        Assert.StartsWith("the server would refuse it", result.Items[0].Reason, StringComparison.Ordinal);
        Assert.Equal((RestoreAction.Create, null), (RestoreWorld.Item(result, "good").Action, RestoreWorld.Item(result, "good").Reason));
        Assert.Equal(revision, w.Cluster.Cluster.ResourceVersion);
    }

    [Fact]
    public async Task DryRun_IntoMissingNamespace_SaysWhatTheServerCouldNotValidate()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app");
        await w.BackupAsync();

        var result = await w.RestoreAsync(w.Request(selection: w.Map(w.Namespace + "-new"), dryRun: true));

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.Contains("not validated by the server: namespace", RestoreWorld.Item(result, "app").Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(w.Namespace + "-new", (await w.Client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name));
    }

    [Theory]
    [InlineData("components", "extra", "other")]
    [InlineData("include", "secrets", "db")]
    [InlineData("exclude", "configmaps", "db")]
    [InlineData("namespaces", "SECOND", "other")]
    public async Task Filters_RestoreOnlyTheSelectedObjects(string filter, string value, string expected)
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        var second = await fx.NamespaceAsync();
        await w.ConfigMapAsync("app");
        await w.SecretAsync("db", "x");
        await w.ConfigMapAsync("other", ns: second);
        await w.BackupAsync(extra: new global::DBackup.Operator.Kubernetes.CollectionSource { Component = "extra", Resources = ["configmaps"], Namespaces = [second] });
        value = value.Replace("SECOND", second, StringComparison.Ordinal);
        var selection = filter switch
        {
            "components" => new RestoreSelection { Components = [value] },
            "include" => new RestoreSelection { IncludeResources = [value] },
            "exclude" => new RestoreSelection { ExcludeResources = [value] },
            _ => new RestoreSelection { IncludeNamespaces = [value] },
        };

        var result = await w.RestoreAsync(w.Request(selection: selection, dryRun: true));

        Assert.Equal(expected, string.Join(',', result.Items.Select(i => i.Name).Order(StringComparer.Ordinal)));
    }

    private static async Task WriteBackupAsync(RestoreWorld w, params (string Name, string Json)[] configMaps)
    {
        var objects = configMaps.Select(c => new BackupObject(
            new ObjectRef("app", string.Empty, "v1", "configmaps", "ConfigMap", w.Namespace, c.Name),
            Encoding.UTF8.GetBytes(c.Json.Replace("\"NS\"", $"\"{w.Namespace}\"", StringComparison.Ordinal))));
        await new BackupPipeline().WriteAsync(new BackupRequest { Policy = "nightly", Trigger = "manual", Key = w.Key }, objects.ToAsyncEnumerable(), w.Destination, CancellationToken.None);
    }
}
