using System.Text;
using DBackup.Operator.Entities;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.History;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>The MetaBackupRestore reconciler on DevCluster: sources, modes, dry runs, and what it reports.</summary>
public sealed class MetaBackupRestoreReconcilerTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Reconcile_RestoresLatestBackupOfPolicyRef_InOverwriteMode_AndReportsIt()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var latest = await world.BackupAsync();
        await world.SetColorAsync("red");
        await world.Client.CoreV1.DeleteNamespacedSecretAsync("db", world.Namespace);
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });

        var restore = await world.ReconcileAsync();

        var status = restore.Status!;
        Assert.Equal(RestorePhase.Succeeded, status.Phase);
        Assert.Equal(latest, status.BackupName);
        Assert.Equal("blue", await world.ColorAsync());
        Assert.Equal(RestoreWorld.Canary, await world.SecretValueAsync());
        Assert.Equal(1, status.Summary!.Updated);
        Assert.Equal(1, status.Summary.Created);
        Assert.Equal(0, status.Summary.Failed);
        Assert.Contains(status.Items!, i => i is { Name: "app", Action: "update" } && i.Reason!.Contains("red", StringComparison.Ordinal));
        Assert.Contains(status.Items!, i => i is { Name: "db", Action: "create", Resource: "secrets" });
        Assert.NotNull(status.SafetyBackupName);
        Assert.NotNull(status.StartTime);
        Assert.NotNull(status.CompletionTime);
        Assert.True(Conditions.IsTrue(status.Conditions, ConditionTypes.Complete));
        Assert.False(Conditions.IsTrue(status.Conditions, ConditionTypes.Failed));
        Assert.False(Conditions.IsTrue(status.Conditions, ConditionTypes.Running));
        Assert.Contains(latest, Conditions.Find(status.Conditions, ConditionTypes.Complete)!.Message, StringComparison.Ordinal);
        Assert.Equal(restore.Metadata.Generation, status.ObservedGeneration);

        var events = (await world.EventsAsync(restore)).Select(e => e.Reason).ToList();
        Assert.Equal(["RestoreStarted", "RestoreSucceeded"], events);
        var row = Assert.Single(await world.Backups.History.RecentRestoresAsync(world.Namespace, 10));
        Assert.Equal((ExecutionStatus.Succeeded, latest, "Overwrite", 1, 1), (row.Status, row.BackupName, row.Mode, row.Created, row.Updated));
        Assert.Equal(status.SafetyBackupName, row.SafetyBackupName);
    }

    [Fact]
    public async Task Reconcile_FinishesTheRestore_WhenTheEventsApiHangs_GivingUpOnEachEventAfterTheRecordersTimeout()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });
        var hang = new DevCluster.Faults.FaultRule { Method = "POST", PathPattern = $"/api/v1/namespaces/{world.Namespace}/events", Latency = TimeSpan.FromSeconds(45) };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        MetaBackupRestore restore;
        using (cluster.Cluster.Faults.Add(hang))
        {
            restore = await world.ReconcileAsync();
        }

        // Two events (started, succeeded), each given up after EventRecorder.DefaultTimeout instead of the API's 45 s.
        Assert.Equal(2, hang.Fired);
        Assert.InRange(clock.Elapsed, 2 * Operator.Kubernetes.EventRecorder.DefaultTimeout, TimeSpan.FromSeconds(35));
        Assert.Equal(RestorePhase.Succeeded, restore.Status!.Phase);
        Assert.Equal("blue", await world.ColorAsync());
        Assert.Contains("Could not record Normal event RestoreSucceeded", world.Logs.Text, StringComparison.Ordinal);
        Assert.Empty(await world.EventsAsync(restore));
    }

    [Fact]
    public async Task Reconcile_RollsBack_WithAnotherRestoreOfTheSafetyBackup()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });
        var safety = (await world.ReconcileAsync()).Status!.SafetyBackupName!;
        Assert.Equal("blue", await world.ColorAsync());

        await world.CreateRestoreAsync(s =>
        {
            s.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = world.Backups.Backups } };
            s.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
            s.Policy = Operator.Restore.SafetyBackupTarget.DefaultFolder;
            s.Backup = safety;
            s.Mode = RestoreMode.Overwrite;
        }, "rollback");
        var rollback = await world.ReconcileAsync("rollback");

        Assert.Equal((RestorePhase.Succeeded, safety), (rollback.Status!.Phase, rollback.Status.BackupName));
        Assert.Equal("red", await world.ColorAsync());
    }

    [Fact]
    public async Task Reconcile_KeepsExistingObjects_InMergeMode()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);
        await world.CreateRestoreAsync(s => s.PolicyRef = new LocalObjectReference { Name = "nightly" });

        var status = (await world.ReconcileAsync()).Status!;

        Assert.Equal(RestorePhase.Succeeded, status.Phase);
        Assert.Equal("red", await world.ColorAsync());
        Assert.Equal("green", await world.ColorAsync("other"));
        Assert.Equal((1, 0, 1), (status.Summary!.Created, status.Summary.Updated, status.Summary.Skipped));
        Assert.Contains(status.Items!, i => i is { Name: "app", Action: "skip" });
        Assert.Null(status.SafetyBackupName);
    }

    [Fact]
    public async Task Reconcile_RestoresNamedBackup_FromExplicitDestinationAndProfile()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var first = (await world.Backups.History.RecentBackupsAsync("nightly", 1, world.Namespace))[0].BackupName!;
        await world.SetColorAsync("yellow");
        await world.BackupAsync();
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("app", world.Namespace);
        await world.CreateRestoreAsync(s =>
        {
            s.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = world.Backups.Backups } };
            s.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
            s.Policy = "nightly";
            s.Backup = first;
        });

        var status = (await world.ReconcileAsync()).Status!;

        Assert.Equal(RestorePhase.Succeeded, status.Phase);
        Assert.Equal(first, status.BackupName);
        Assert.Equal("blue", await world.ColorAsync());
    }

    [Fact]
    public async Task Reconcile_DryRun_ChangesNothing_AndPutsThePlanInItems()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        await world.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", world.Namespace);
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; s.DryRun = true; });

        var restore = await world.ReconcileAsync();

        var status = restore.Status!;
        Assert.Equal(RestorePhase.Succeeded, status.Phase);
        Assert.Equal("red", await world.ColorAsync());
        Assert.Null(await world.ColorAsync("other"));
        Assert.Null(status.SafetyBackupName);
        Assert.Contains(status.Items!, i => i is { Name: "app", Action: "update" } && i.Reason!.Contains("\"red\"", StringComparison.Ordinal) && i.Reason.Contains("\"blue\"", StringComparison.Ordinal));
        Assert.Contains(status.Items!, i => i is { Name: "other", Action: "create" });
        Assert.Contains(status.Items!, i => i is { Name: "db", Action: "unchanged" });
        Assert.Contains("nothing was written", Conditions.Find(status.Conditions, ConditionTypes.Complete)!.Message, StringComparison.Ordinal);
        Assert.True((await world.Backups.History.RecentRestoresAsync(world.Namespace, 1))[0].DryRun);
    }

    [Fact]
    public async Task Reconcile_NeverPutsSecretValues_InStatusEventsHistoryOrLogs()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"password":"changed-value"}}""", V1Patch.PatchType.MergePatch), "db", world.Namespace);
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; });
        await world.CreateRestoreAsync(s => { s.PolicyRef = new LocalObjectReference { Name = "nightly" }; s.Mode = RestoreMode.Overwrite; s.DryRun = true; }, "plan");

        var restore = await world.ReconcileAsync();
        var plan = await world.ReconcileAsync("plan");

        Assert.Equal(RestoreWorld.Canary, await world.SecretValueAsync());
        Assert.Contains(restore.Status!.Items!, i => i is { Name: "db", Action: "update" });
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(RestoreWorld.Canary));
        var events = string.Join('\n', (await world.EventsAsync(restore)).Concat(await world.EventsAsync(plan)).Select(e => e.Message));
        var history = string.Join('\n', (await world.Backups.History.RecentRestoresAsync(world.Namespace, 10)).Select(r => r.PlanJson + r.ErrorMessage));
        foreach (var text in new[] { KubernetesJson.Serialize(restore), KubernetesJson.Serialize(plan), events, history, world.Logs.Text })
        {
            Assert.DoesNotContain(RestoreWorld.Canary, text, StringComparison.Ordinal);
            Assert.DoesNotContain(base64, text, StringComparison.Ordinal);
            Assert.DoesNotContain("changed-value", text, StringComparison.Ordinal);
        }

        Assert.Contains("RestoreEngine Information", world.Logs.Text, StringComparison.Ordinal); // the engine's log was captured too
    }
}
