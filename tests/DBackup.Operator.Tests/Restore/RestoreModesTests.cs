using System.Text;
using DBackup.Operator.Entities;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Restore;
using k8s;

namespace DBackup.Operator.Tests.Restore;

/// <summary>The engine against DevCluster: modes, mapping, redacted Secrets, per-object failures.</summary>
public sealed class RestoreModesTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Run_CreatesEverythingInMappedNamespace_IncludingTheNamespace()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app");
        await w.SecretAsync("db", "real-value");
        await w.BackupAsync();
        var target = w.Namespace + "-copy";

        var result = await w.RestoreAsync(w.Request(selection: w.Map(target)));

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.Contains(result.Items, o => o is { Resource: "namespaces", Action: RestoreAction.Create } && o.Name == target);
        Assert.Equal(RestoreAction.Create, RestoreWorld.Item(result, "app").Action);
        Assert.Equal(target, RestoreWorld.Item(result, "db").Namespace);
        Assert.Equal("real-value", await w.PasswordAsync("db", target));
        Assert.Equal("blue", await w.ColorAsync("app", target));
        Assert.Equal(new RestoreCounts(3, 0, 0, 0, 0), result.Counts);
        Assert.StartsWith("nightly-", result.BackupName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ReportsUnchanged_WhenObjectsAlreadyMatch()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app");
        await w.SecretAsync("db", "real-value");
        await w.BackupAsync();

        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite));

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.All(result.Items, o => Assert.Equal(RestoreAction.Unchanged, o.Action));
        Assert.Equal(2, result.Counts.Unchanged);
        Assert.Null(result.SafetyBackupName);
    }

    [Fact]
    public async Task Run_MergeKeepsChangedObject_OverwriteReplacesIt_WithValueDiff()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app", "blue");
        await w.BackupAsync();
        await w.SetColorAsync("app", "red");
        await w.ConfigMapAsync("added-later", "green");

        var merge = await w.RestoreAsync(w.Request(RestoreMode.Merge));
        Assert.Equal(RestoreAction.Skip, RestoreWorld.Item(merge, "app").Action);
        Assert.Contains("Merge", RestoreWorld.Item(merge, "app").Reason, StringComparison.Ordinal);
        Assert.Equal("red", await w.ColorAsync("app"));

        var overwrite = await w.RestoreAsync(w.Request(RestoreMode.Overwrite));
        var updated = RestoreWorld.Item(overwrite, "app");
        Assert.Equal(RestoreAction.Update, updated.Action);
        Assert.Equal("data.color: \"red\" → \"blue\"", updated.Reason);
        Assert.Equal("blue", await w.ColorAsync("app"));
        Assert.Equal("green", await w.ColorAsync("added-later"));
        Assert.Equal(new RestoreCounts(0, 1, 0, 0, 0), overwrite.Counts);
    }

    [Fact]
    public async Task Run_NeverOverwritesRealSecretWithRedactedOne_AndCreatesMissingWithPlaceholder()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.SecretAsync("db", "real-value");
        await w.BackupAsync(includeSecrets: false);
        var fresh = w.Namespace + "-fresh";

        var over = await w.RestoreAsync(w.Request(RestoreMode.Overwrite));
        var into = await w.RestoreAsync(w.Request(RestoreMode.Overwrite, w.Map(fresh)));

        Assert.Equal(RestoreAction.Skip, RestoreWorld.Item(over, "db").Action);
        Assert.Contains("redacted", RestoreWorld.Item(over, "db").Reason, StringComparison.Ordinal);
        Assert.Empty(over.SecretsNeedingValues);
        Assert.Equal("real-value", await w.PasswordAsync("db"));
        Assert.Equal(RestoreAction.Create, RestoreWorld.Item(into, "db").Action);
        Assert.Contains("placeholder", RestoreWorld.Item(into, "db").Reason, StringComparison.Ordinal);
        Assert.Equal([$"{fresh}/db"], into.SecretsNeedingValues);
        Assert.Equal(DBackup.Pipeline.Objects.SecretRedactor.Placeholder, await w.PasswordAsync("db", fresh));
        var created = await w.Client.CoreV1.ReadNamespacedSecretAsync("db", fresh);
        Assert.Equal("true", created.Metadata.Labels[DBackup.Pipeline.Objects.SecretRedactor.RedactedLabel]);
    }

    [Fact]
    public async Task Run_ReportsOneInvalidObjectAsFailed_AndAppliesTheRest()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        var good = new ObjectRef("app", string.Empty, "v1", "configmaps", "ConfigMap", w.Namespace, "good");
        var bad = new ObjectRef("app", string.Empty, "v1", "configmaps", "ConfigMap", w.Namespace, "bad");
        BackupObject[] objects =
        [
            new(good, Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"good","namespace":"{{{w.Namespace}}}"},"data":{"a":"1"}}""")),
            new(bad, Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad","namespace":"{{{w.Namespace}}}","labels":{"not a valid key!":"x"}},"data":{"a":"1"}}""")),
        ];
        await new BackupPipeline().WriteAsync(new BackupRequest { Policy = "nightly", Trigger = "manual", Key = w.Key }, objects.ToAsyncEnumerable(), w.Destination, CancellationToken.None);

        var result = await w.RestoreAsync(w.Request());

        Assert.Equal(RestoreOutcome.PartiallyFailed, result.Outcome);
        var failed = result.Items[0];
        Assert.Equal(("bad", RestoreAction.Fail), (failed.Name, failed.Action));
        Assert.False(string.IsNullOrEmpty(failed.Reason));
        Assert.Equal(RestoreAction.Create, RestoreWorld.Item(result, "good").Action);
        Assert.Equal(new RestoreCounts(1, 0, 0, 0, 1), result.Counts);
    }
}
