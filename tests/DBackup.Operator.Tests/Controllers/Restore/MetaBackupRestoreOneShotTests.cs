using DBackup.Operator.Entities;
using DBackup.Operator.Tests.Support;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>A restore runs once: re-applied manifests, restarts and interruptions never make it run again blindly.</summary>
public sealed class MetaBackupRestoreOneShotTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Reconcile_DoesNothing_WhenAFinishedRestoreIsReappliedOrChanged()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });
        var finished = await world.ReconcileAsync();
        Assert.Equal(RestorePhase.Succeeded, finished.Status!.Phase);
        Assert.Equal("blue", await world.ColorAsync());
        await world.SetColorAsync("green");

        // What `kubectl apply` / a GitOps sync does with the same manifest (a new last-applied annotation), and a spec
        // edit that a cluster without CEL lets through: then an operator restart (a fresh reconciler) and a resync.
        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"spec":{"dryRun":false,"mode":"Overwrite"}}""", V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupRestorePlural, "restore");
        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"includeNamespaces":["elsewhere"]}}""", V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupRestorePlural, "restore");
        var again = await world.ReconcileAsync();
        again = await world.ReconcileAsync(reconciler: world.Reconciler());

        Assert.Equal("green", await world.ColorAsync());
        Assert.Equal(KubernetesJson.Serialize(finished.Status), KubernetesJson.Serialize(again.Status));
        Assert.Single(await world.Backups.History.RecentRestoresAsync(world.Namespace, 10));
        Assert.Equal(2, (await world.EventsAsync(again)).Count);
    }

    [Fact]
    public async Task Reconcile_MarksFailedInsteadOfRerunning_WhenTheOperatorStoppedWhileApplying()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });

        // Writes of this namespace's ConfigMaps hang, so the first operator is stopped in the middle of applying.
        using (cluster.Cluster.Faults.Add(new DevCluster.Faults.FaultRule { Method = "POST", PathPattern = $"/api/v1/namespaces/{world.Namespace}/configmaps*", Latency = TimeSpan.FromSeconds(30) }))
        using (cluster.Cluster.Faults.Add(new DevCluster.Faults.FaultRule { Method = "PUT", PathPattern = $"/api/v1/namespaces/{world.Namespace}/configmaps/*", Latency = TimeSpan.FromSeconds(30) }))
        {
            using var stop = new CancellationTokenSource();
            var first = world.Reconciler();
            var running = first.ReconcileAsync(await world.GetRestoreAsync(), stop.Token);
            await Eventually.TrueAsync(
                async () => Conditions.Find((await world.GetRestoreAsync()).Status?.Conditions, ConditionTypes.Running)?.Reason == RestoreReasons.Applying,
                "the restore to start applying", TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }

        var interrupted = await world.ReconcileAsync(reconciler: world.Reconciler());
        var status = interrupted.Status!;
        Assert.Equal(RestorePhase.Failed, status.Phase);
        var failed = Conditions.Find(status.Conditions, ConditionTypes.Failed)!;
        Assert.Equal((Conditions.True, RestoreReasons.Interrupted), (failed.Status, failed.Reason));
        Assert.Contains("may already have been written", failed.Message, StringComparison.Ordinal);

        // The Applying status, recorded just before the first write, already named the safety backup of the replaced ConfigMap.
        Assert.StartsWith("dbackup-safety-", status.SafetyBackupName, StringComparison.Ordinal);
        Assert.Contains($"safety backup {status.SafetyBackupName} holds the replaced objects", failed.Message, StringComparison.Ordinal);
        Assert.Contains("RestoreInterrupted", (await world.EventsAsync(interrupted)).Select(e => e.Reason));

        // And it stays that way: the missing ConfigMap is not restored by a later reconcile.
        await world.ReconcileAsync(reconciler: world.Reconciler());
        Assert.Null(await world.ColorAsync("other"));
        Assert.Equal(RestorePhase.Failed, (await world.GetRestoreAsync()).Status!.Phase);
    }

    [Fact]
    public async Task Reconcile_StartsOverAndSucceeds_WhenTheOperatorStoppedWhileTheEngineWasStillPlanning()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });

        // Reading the live ConfigMaps (the engine's planning, before any write) hangs, and the first operator is stopped there.
        var planning = new DevCluster.Faults.FaultRule { Method = "GET", PathPattern = $"/api/v1/namespaces/{world.Namespace}/configmaps*", Latency = TimeSpan.FromSeconds(30) };
        using (cluster.Cluster.Faults.Add(planning))
        {
            using var stop = new CancellationTokenSource();
            var running = world.Reconciler().ReconcileAsync(await world.GetRestoreAsync(), stop.Token);
            await Eventually.TrueAsync(() => Task.FromResult(planning.Fired > 0), "the engine to plan against the cluster", TimeSpan.FromSeconds(30));
            var stopped = Conditions.Find((await world.GetRestoreAsync()).Status?.Conditions, ConditionTypes.Running)!;
            Assert.Equal(RestoreReasons.Verifying, stopped.Reason);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }

        Assert.Equal(("red", null), (await world.ColorAsync(), await world.ColorAsync("other")));
        var restore = await world.ReconcileAsync(reconciler: world.Reconciler());

        Assert.Equal(RestorePhase.Succeeded, restore.Status!.Phase);
        Assert.Equal(("blue", "green"), (await world.ColorAsync(), await world.ColorAsync("other")));
        Assert.DoesNotContain("RestoreInterrupted", (await world.EventsAsync(restore)).Select(e => e.Reason));
    }

    [Fact]
    public async Task Reconcile_WritesTheKeptResult_WhenTheFinalStatusWriteFailed_InsteadOfRunningAgain()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });
        var reconciler = world.Reconciler();

        using (cluster.Cluster.Faults.Add(new DevCluster.Faults.FaultRule { Method = "PUT", PathPattern = $"/api/v1/namespaces/{world.Namespace}/configmaps/*", Latency = TimeSpan.FromSeconds(1) }))
        {
            var running = reconciler.ReconcileAsync(await world.GetRestoreAsync(), CancellationToken.None);
            await Eventually.TrueAsync(
                async () => Conditions.Find((await world.GetRestoreAsync()).Status?.Conditions, ConditionTypes.Running)?.Reason == RestoreReasons.Applying,
                "the restore to start applying", TimeSpan.FromSeconds(30));
            using var statusDown = cluster.Cluster.Faults.Add(new DevCluster.Faults.FaultRule
            {
                Method = "PUT", PathPattern = $"/apis/{ApiGroup.Group}/{ApiGroup.Version}/namespaces/{world.Namespace}/{ApiGroup.MetaBackupRestorePlural}/restore/status", StatusCode = 500,
            });
            await Assert.ThrowsAnyAsync<Exception>(() => running);
        }

        Assert.Equal(RestorePhase.Running, (await world.GetRestoreAsync()).Status!.Phase);
        var restore = await world.ReconcileAsync(reconciler: reconciler);

        Assert.Equal(RestorePhase.Succeeded, restore.Status!.Phase);
        Assert.Equal("blue", await world.ColorAsync());
        Assert.Single(await world.Backups.History.RecentRestoresAsync(world.Namespace, 10));
        Assert.Single(await world.EventsAsync(restore), e => e.Reason == "RestoreSucceeded");
    }

    [Fact]
    public async Task Reconcile_StaysPending_WhileEveryRunSlotIsTaken()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.CreateRestoreAsync(s => s.PolicyRef = new LocalObjectReference { Name = "nightly" });
        using var slots = new Operator.Controllers.BackupSlots(1);
        var held = await slots.AcquireAsync(CancellationToken.None);

        var running = world.Reconciler(slots).ReconcileAsync(await world.GetRestoreAsync(), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await world.GetRestoreAsync()).Status?.Phase == RestorePhase.Pending, "the restore to wait for a slot");
        var waiting = Conditions.Find((await world.GetRestoreAsync()).Status!.Conditions, ConditionTypes.Running)!;
        Assert.Equal((Conditions.False, RestoreReasons.Waiting), (waiting.Status, waiting.Reason));
        held.Dispose();
        await running;

        Assert.Equal(RestorePhase.Succeeded, (await world.GetRestoreAsync()).Status!.Phase);
    }

    [Fact]
    public async Task Reconcile_StartsOver_WhenInterruptedBeforeAnyWrite()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);
        await world.CreateRestoreAsync(s => s.PolicyRef = new LocalObjectReference { Name = "nightly" });
        await world.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"phase":"Running","conditions":[{"type":"Running","status":"True","reason":"Verifying","message":"verifying","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}""", V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupRestorePlural, "restore");

        var restore = await world.ReconcileAsync();

        Assert.Equal(RestorePhase.Succeeded, restore.Status!.Phase);
        Assert.Equal("green", await world.ColorAsync("other"));
    }
}
