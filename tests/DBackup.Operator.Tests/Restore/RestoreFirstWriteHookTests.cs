using DBackup.DevCluster.Faults;
using DBackup.Operator.Entities;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Restore;
using DBackup.Pipeline.Storage;
using k8s;

namespace DBackup.Operator.Tests.Restore;

/// <summary>
/// <see cref="RestoreRequest.BeforeFirstWrite"/>: called once, after verification, planning and the safety backup
/// and before the first write; never for dry runs or plans without writes; its failure stops the restore unchanged.
/// </summary>
public sealed class RestoreFirstWriteHookTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Restore_CallsBeforeFirstWriteOnce_AfterTheSafetyBackupIsStored_AndBeforeAnyWrite()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await ChangedAndGoneAsync(w);
        var calls = new List<(RestoreWriteStart Start, string Color, bool GoneExists, bool SafetyStored)>();

        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with
        {
            SafetyBackup = new SafetyBackupTarget { Destination = w.Destination, Key = w.Key, TempDirectory = w.Root },
            BeforeFirstWrite = async (start, ct) =>
            {
                var names = (await w.Client.CoreV1.ListNamespacedConfigMapAsync(w.Namespace, cancellationToken: ct)).Items.Select(c => c.Metadata.Name);
                var safety = start.SafetyBackupName is { } name
                    && (await BackupCatalog.FindAsync(w.Destination, SafetyBackupTarget.DefaultFolder, name, ct)).Meta is not null;
                calls.Add((start, await w.ColorAsync("changed"), names.Contains("gone"), safety));
            },
        });

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        var call = Assert.Single(calls);
        Assert.Equal((result.BackupName, result.SafetyBackupName, 1, 1), (call.Start.BackupName, call.Start.SafetyBackupName, call.Start.Creates, call.Start.Updates));
        Assert.NotNull(result.SafetyBackupName);
        Assert.True(call.SafetyStored, "the safety backup is stored before the call");
        Assert.Equal(("red", false), (call.Color, call.GoneExists));
        Assert.Equal(("blue", "blue"), (await w.ColorAsync("changed"), await w.ColorAsync("gone")));
    }

    [Fact]
    public async Task Restore_NeverCallsBeforeFirstWrite_ForADryRun_OrWhenThereIsNothingToWrite()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app", "blue");
        await w.BackupAsync(resources: ["configmaps"]);
        var calls = 0;
        Func<RestoreWriteStart, CancellationToken, Task> hook = (_, _) => { calls++; return Task.CompletedTask; };

        // Everything is as backed up: nothing to create or update.
        var same = await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with { BeforeFirstWrite = hook });
        await w.SetColorAsync("app", "red");

        // Merge keeps the changed object: still nothing to write.
        var merge = await w.RestoreAsync(w.Request(RestoreMode.Merge) with { BeforeFirstWrite = hook });

        // A dry run would update it, but only validates.
        var dryRun = await w.RestoreAsync(w.Request(RestoreMode.Overwrite, dryRun: true) with { BeforeFirstWrite = hook });

        Assert.Equal((0, 0), (same.Counts.Created, same.Counts.Updated));
        Assert.Equal((0, 0), (merge.Counts.Created, merge.Counts.Updated));
        Assert.Equal((RestoreOutcome.Succeeded, 1), (dryRun.Outcome, dryRun.Counts.Updated));
        Assert.Equal(0, calls);
        Assert.Equal("red", await w.ColorAsync("app"));
    }

    [Fact]
    public async Task Restore_WritesNothing_AndPassesTheErrorOn_WhenBeforeFirstWriteThrows()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await ChangedAndGoneAsync(w);

        // An ArgumentException would otherwise be classified as an invalid request and returned as a Failed result.
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => w.RestoreAsync(w.Request(RestoreMode.Overwrite) with
        {
            BeforeFirstWrite = (_, _) => throw new ArgumentException("status could not be recorded"),
        }));

        Assert.Equal("status could not be recorded", thrown.Message);
        Assert.Equal("red", await w.ColorAsync("changed"));
        Assert.DoesNotContain("gone", (await w.Client.CoreV1.ListNamespacedConfigMapAsync(w.Namespace)).Items.Select(c => c.Metadata.Name));
    }

    /// <summary>
    /// Objects that change between the plan (and the safety backup) and the writes are left as they are: an update
    /// carries the planned resourceVersion and meets a 409 Conflict; a create meets a 409 AlreadyExists.
    /// </summary>
    [Fact]
    public async Task Restore_LeavesObjectsThatChangeAfterThePlan_AsTheyAre()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await ChangedAndGoneAsync(w);

        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with
        {
            BeforeFirstWrite = async (_, _) =>
            {
                await w.SetColorAsync("changed", "green");
                await w.ConfigMapAsync("gone", "purple");
            },
        });

        Assert.Equal(RestoreOutcome.Failed, result.Outcome);
        Assert.Equal("changed by someone else after the plan was made (and after the safety backup); left as it is", RestoreWorld.Item(result, "changed").Reason);
        Assert.StartsWith("created by someone else after the plan was made", RestoreWorld.Item(result, "gone").Reason, StringComparison.Ordinal);
        Assert.Equal(("green", "purple"), (await w.ColorAsync("changed"), await w.ColorAsync("gone")));
    }

    /// <summary>A write whose connection breaks may or may not have been applied; the item says so instead of guessing.</summary>
    [Fact]
    public async Task Restore_SaysAWriteMayOrMayNotHaveReachedTheServer_WhenItsConnectionBreaks()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await ChangedAndGoneAsync(w);
        var result = await RestoreWithFaultFromFirstWriteAsync(w, FaultRule.Reset($"/api/v1/namespaces/{w.Namespace}/configmaps", "POST"));

        var gone = RestoreWorld.Item(result, "gone");
        Assert.Equal(RestoreAction.Fail, gone.Action);
        Assert.StartsWith("the write may or may not have reached the server", gone.Reason, StringComparison.Ordinal);
        Assert.Equal(RestoreAction.Update, RestoreWorld.Item(result, "changed").Action);
    }

    /// <summary>When the read-back itself fails, every written object says it was written but not verified.</summary>
    [Fact]
    public async Task Restore_FailsWrittenObjectsAsUnverified_WhenTheReadBackCannotRead()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await ChangedAndGoneAsync(w);
        var result = await RestoreWithFaultFromFirstWriteAsync(w, FaultRule.Status(400, pathPattern: $"/api/v1/namespaces/{w.Namespace}/configmaps", method: "GET"));

        Assert.Equal(RestoreOutcome.Failed, result.Outcome);
        Assert.All(["changed", "gone"], name => Assert.StartsWith("written, but could not be read back to verify", RestoreWorld.Item(result, name).Reason, StringComparison.Ordinal));
        Assert.Equal(("blue", "blue"), (await w.ColorAsync("changed"), await w.ColorAsync("gone")));
    }

    /// <summary>An Overwrite restore with <paramref name="rule"/> in force from just before the first write to the end of the restore.</summary>
    private static async Task<RestoreResult> RestoreWithFaultFromFirstWriteAsync(RestoreWorld w, FaultRule rule)
    {
        IDisposable? fault = null;
        try
        {
            return await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with
            {
                BeforeFirstWrite = (_, _) =>
                {
                    fault = w.Cluster.Cluster.Faults.Add(rule);
                    return Task.CompletedTask;
                },
            });
        }
        finally
        {
            fault?.Dispose();
        }
    }

    /// <summary>A backup of "changed" (blue, red since) and "gone" (deleted since): one update and one create to restore.</summary>
    private static async Task ChangedAndGoneAsync(RestoreWorld w)
    {
        await w.ConfigMapAsync("changed", "blue");
        await w.ConfigMapAsync("gone", "blue");
        await w.BackupAsync(resources: ["configmaps"]);
        await w.SetColorAsync("changed", "red");
        await w.Client.CoreV1.DeleteNamespacedConfigMapAsync("gone", w.Namespace);
    }
}
