using DBackup.DevCluster.Faults;
using System.Text;
using DBackup.Operator.Backups;
using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>Restore drills (spec.verify): a good backup is proven restorable, a broken one is reported with its reason.</summary>
public sealed class RestoreDrillTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Drill_ProvesAGoodBackupRestorable_OnItsSchedule_AndRequeuesForTheNext()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var latest = await world.BackupAsync();
        var policy = await VerifyAsync(world, "0 4 * * *");
        var due = NextFourOClock(policy.Metadata.CreationTimestamp!.Value);
        world.Backups.Time.SetUtcNow(due.AddSeconds(20));

        var result = await Drill(world).ReconcileAsync(policy, CancellationToken.None);

        var stored = await GetAsync(world);
        var verification = stored.Status.LastVerification!;
        Assert.Equal(("Succeeded", "schedule", due), (verification.Result, verification.Trigger, verification.ScheduledTime));
        Assert.Equal(latest, verification.Backup);
        Assert.True(verification.Objects >= 3, $"objects: {verification.Objects}");
        Assert.Contains("every checksum verified", verification.Message, StringComparison.Ordinal);
        Assert.True(Conditions.IsTrue(stored.Status.Conditions, ConditionTypes.Verified));
        Assert.InRange(result.Delay!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.Contains("VerificationSucceeded", await EventReasonsAsync(world));
        Assert.Contains($"dbackup_verification_last_succeeded{{namespace=\"{world.Namespace}\",policy=\"nightly\"}} 1", await MetricsAsync(), StringComparison.Ordinal);

        // The same occurrence never runs twice.
        await Drill(world).ReconcileAsync(stored, CancellationToken.None);
        Assert.Equal(KubernetesJson.Serialize(verification), KubernetesJson.Serialize((await GetAsync(world)).Status.LastVerification));
    }

    [Fact]
    public async Task Drill_ReportsATamperedBackup_AsFailedVerification_AndChangesNothing()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        var payload = Directory.GetFiles(world.Backups.Backups, "*.enc", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(payload);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(payload, bytes);
        var policy = await VerifyAsync(world, "0 4 1 1 *", verifyNow: "check-1");

        await Drill(world).ReconcileAsync(policy, CancellationToken.None);

        var stored = await GetAsync(world);
        var verification = stored.Status.LastVerification!;
        Assert.Equal(("Failed", RestoreReasons.VerificationFailed, "manual", "check-1"), (verification.Result, verification.Reason, verification.Trigger, verification.VerifyNow));
        Assert.False(string.IsNullOrWhiteSpace(verification.Message));
        var condition = Conditions.Find(stored.Status.Conditions, ConditionTypes.Verified)!;
        Assert.Equal((Conditions.False, RestoreReasons.VerificationFailed), (condition.Status, condition.Reason));
        Assert.Contains("VerificationFailed", await EventReasonsAsync(world));
        Assert.Contains($"dbackup_verification_last_succeeded{{namespace=\"{world.Namespace}\",policy=\"nightly\"}} 0", await MetricsAsync(), StringComparison.Ordinal);
        Assert.Equal("red", await world.ColorAsync());
    }

    [Fact]
    public async Task Drill_ReportsKeyMissing_WhenTheProfileNoLongerHoldsTheBackupsKey()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        var old = await world.BackedUpAsync();
        var secret = await world.Client.CoreV1.ReadNamespacedSecretAsync("backup-key", world.Namespace);
        secret.Data["key"] = Encoding.UTF8.GetBytes(EncryptionKey.Generate().ToFileText());
        await world.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "backup-key", world.Namespace);
        var policy = await VerifyAsync(world, "0 4 1 1 *", verifyNow: "after-rotation");

        await Drill(world).ReconcileAsync(policy, CancellationToken.None);

        var verification = (await GetAsync(world)).Status.LastVerification!;
        Assert.Equal(("Failed", RestoreReasons.KeyMissing), (verification.Result, verification.Reason));
        Assert.Contains(old.KeyId, verification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_ReportsAPlanTheClusterRejects_AsPlanFailed_AndChangesNothing()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        await world.SetColorAsync("red");
        var policy = await VerifyAsync(world, "0 4 1 1 *", verifyNow: "plan-1");
        using var fault = cluster.Cluster.Faults.Add(FaultRule.Status(422, pathPattern: $"/api/v1/namespaces/{world.Namespace}/configmaps/app*", method: "PUT"));

        await Drill(world).ReconcileAsync(policy, CancellationToken.None);

        var verification = (await GetAsync(world)).Status.LastVerification!;
        Assert.Equal(("Failed", RestoreDrillRunner.PlanFailed), (verification.Result, verification.Reason));
        Assert.Contains("the dry-run restore plan has 1 object(s) the cluster rejects", verification.Message, StringComparison.Ordinal);
        Assert.Contains("/app", verification.Message, StringComparison.Ordinal);
        Assert.Equal("red", await world.ColorAsync());
    }

    [Fact]
    public async Task Drill_RunsEachVerifyNowValueOnce()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var policy = await VerifyAsync(world, "0 4 1 1 *", verifyNow: "a");

        await Drill(world).ReconcileAsync(policy, CancellationToken.None);
        var first = (await GetAsync(world)).Status.LastVerification!;
        world.Backups.Time.Advance(TimeSpan.FromMinutes(5));
        await Drill(world).ReconcileAsync(await GetAsync(world), CancellationToken.None);
        Assert.Equal(first.Time, (await GetAsync(world)).Status.LastVerification!.Time);

        await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch($"{{\"metadata\":{{\"annotations\":{{\"{RestoreDrillReconciler.VerifyNowAnnotation}\":\"b\"}}}}}}", V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural, "nightly");
        await Drill(world).ReconcileAsync(await GetAsync(world), CancellationToken.None);
        var second = (await GetAsync(world)).Status.LastVerification!;
        Assert.Equal(("b", "Succeeded"), (second.VerifyNow, second.Result));
        Assert.True(second.Time > first.Time);
    }

    [Fact]
    public async Task DrillAndPolicyReconcilers_KeepEachOthersStatusFields_ThroughConflicts()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var stale = await VerifyAsync(world, "0 4 1 1 *", verifyNow: "x", runNow: "now");
        var policyReconciler = new MetaBackupPolicyReconciler(world.Backups.Runner, new PolicyBackupRunnerOptions(), StatusWriter(world), new BackupSlots(), world.Backups.Time, NullLogger<MetaBackupPolicyReconciler>.Instance);

        await policyReconciler.ReconcileAsync(stale, CancellationToken.None);
        await Drill(world).ReconcileAsync(stale, CancellationToken.None); // stale resourceVersion: 409, re-read, re-apply
        var afterDrill = await GetAsync(world);
        Assert.NotNull(afterDrill.Status.LastSuccessfulBackup);
        Assert.Equal("now", afterDrill.Status.LastRunNow);
        Assert.Equal("Succeeded", afterDrill.Status.LastVerification?.Result);
        Assert.True(Conditions.IsTrue(afterDrill.Status.Conditions, ConditionTypes.Ready));

        world.Backups.Time.Advance(TimeSpan.FromMinutes(1));
        await policyReconciler.ReconcileAsync(stale, CancellationToken.None); // stale again, from before the drill
        var final = await GetAsync(world);
        Assert.Equal("Succeeded", final.Status.LastVerification?.Result);
        Assert.True(Conditions.IsTrue(final.Status.Conditions, ConditionTypes.Verified));
        Assert.Equal(final.Metadata.Generation, final.Status.ObservedGeneration);
    }

    [Fact]
    public async Task Drill_LeavesObservedGenerationToThePolicyReconciler()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var policy = await VerifyAsync(world, "0 4 1 1 *", verifyNow: "x");

        await Drill(world).ReconcileAsync(policy, CancellationToken.None);

        // The policy reconciler has not seen this generation yet: claiming it was observed would make its Ready condition look current.
        var stored = await GetAsync(world);
        Assert.Equal("Succeeded", stored.Status.LastVerification?.Result);
        Assert.Null(stored.Status.ObservedGeneration);
    }

    [Fact]
    public async Task Drill_ReportsAnInvalidVerifySchedule_AsVerifiedFalse_WithoutRunning()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await world.BackedUpAsync();
        var policy = await VerifyAsync(world, "61 * * * *", verifyNow: "x");

        var result = await Drill(world).ReconcileAsync(policy, CancellationToken.None);

        var stored = await GetAsync(world);
        var condition = Conditions.Find(stored.Status.Conditions, ConditionTypes.Verified)!;
        Assert.Equal((Conditions.False, Operator.Scheduling.ScheduleException.InvalidSchedule), (condition.Status, condition.Reason));
        Assert.Contains("spec.verify", condition.Message, StringComparison.Ordinal);
        Assert.Null(stored.Status.LastVerification);
        Assert.Null(result.Delay);
    }

    private static RestoreDrillReconciler Drill(RestoreWorld world) => new(
        new RestoreDrillRunner(world.Client, new PolicyBackupRunnerOptions(), world.Backups.Time, world.Logs.For<RestoreDrillRunner>(), world.Logs.For<RestoreEngine>()),
        StatusWriter(world), new BackupSlots(), new EventRecorder(world.Client, world.Logs.For<EventRecorder>()), world.Backups.Time, world.Logs.For<RestoreDrillReconciler>());

    private static StatusWriter StatusWriter(RestoreWorld world) => new(new CustomResourceClient(world.Client), world.Logs.For<StatusWriter>());

    private static async Task<MetaBackupPolicy> VerifyAsync(RestoreWorld world, string schedule, string? verifyNow = null, string? runNow = null)
    {
        var annotations = new Dictionary<string, string>();
        if (verifyNow is not null)
        {
            annotations[RestoreDrillReconciler.VerifyNowAnnotation] = verifyNow;
        }

        if (runNow is not null)
        {
            annotations[ApiGroup.RunNowAnnotation] = runNow;
        }

        var patch = KubernetesJson.Serialize(new { metadata = new { annotations }, spec = new { verify = new { schedule } } });
        return await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync<MetaBackupPolicy>(
            new V1Patch(patch, V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural, "nightly");
    }

    private static Task<MetaBackupPolicy> GetAsync(RestoreWorld world) =>
        world.Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural, "nightly");

    private static async Task<List<string>> EventReasonsAsync(RestoreWorld world) =>
        (await world.Client.CoreV1.ListNamespacedEventAsync(world.Namespace)).Items.Where(e => e.InvolvedObject.Name == "nightly").Select(e => e.Reason).ToList();

    private static async Task<string> MetricsAsync()
    {
        using var stream = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static DateTime NextFourOClock(DateTime after)
    {
        var day = after.Date.AddHours(4);
        return DateTime.SpecifyKind(day > after ? day : day.AddDays(1), DateTimeKind.Utc);
    }
}
