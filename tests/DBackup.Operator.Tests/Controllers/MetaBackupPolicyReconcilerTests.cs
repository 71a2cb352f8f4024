using DBackup.Operator.Backups;
using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using DBackup.Operator.Scheduling;
using DBackup.Operator.Tests.Backups;
using DBackup.Operator.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Tests.Controllers;

/// <summary>The policy reconciler on DevCluster with a fake clock: when it runs, what status says, when it wakes.</summary>
public sealed class MetaBackupPolicyReconcilerTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Reconcile_RunsOnceAtScheduledTime_AndRequeuesForNextOccurrence()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app");
        var policy = await world.PolicyAsync(s => s.Schedule = "0 3 * * *");
        var due = NextThreeOClock(policy.Metadata.CreationTimestamp!.Value);
        world.Time.SetUtcNow(due.AddSeconds(20));

        var first = await ReconcileAsync(world, policy);
        var stored = await GetAsync(world, policy);
        var second = await ReconcileAsync(world, stored);

        stored = await GetAsync(world, policy);
        var run = Assert.Single(stored.Status.RecentRuns!);
        Assert.Equal("schedule", run.Trigger);
        Assert.Equal("Succeeded", run.Result);
        Assert.Equal(due, stored.Status.LastScheduleTime);
        Assert.Equal(due.AddDays(1), stored.Status.NextScheduleTime);
        Assert.NotNull(stored.Status.LastSuccessfulBackup);
        Assert.True(Conditions.IsTrue(stored.Status.Conditions, ConditionTypes.BackupSucceeded));
        Assert.Equal("Scheduled", Conditions.Find(stored.Status.Conditions, ConditionTypes.Ready)!.Reason);
        Assert.Equal(stored.Metadata.Generation, stored.Status.ObservedGeneration);
        Assert.InRange(first.Delay!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.InRange(second.Delay!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.Single(world.Files(world.Backups), f => f.EndsWith(".meta.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconcile_WaitsWithoutRunning_BeforeTheSchedule()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(s => s.Schedule = "0 3 1 1 *");

        var result = await ReconcileAsync(world, policy);

        var stored = await GetAsync(world, policy);
        Assert.Null(stored.Status.RecentRuns);
        Assert.NotNull(stored.Status.NextScheduleTime);
        Assert.True(Conditions.IsTrue(stored.Status.Conditions, ConditionTypes.Ready));
        var untilNext = stored.Status.NextScheduleTime!.Value - world.Time.GetUtcNow().UtcDateTime;
        Assert.InRange(result.Delay!.Value, untilNext - TimeSpan.FromSeconds(1), untilNext + TimeSpan.FromSeconds(1));
        Assert.Empty(world.Files(world.Backups));
    }

    [Fact]
    public async Task Reconcile_CatchesUpOnce_AfterDaysOfDowntime()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(s => s.Schedule = "0 3 * * *");
        world.Time.SetUtcNow(NextThreeOClock(policy.Metadata.CreationTimestamp!.Value).AddDays(3).AddHours(5));

        await ReconcileAsync(world, policy);
        await ReconcileAsync(world, await GetAsync(world, policy));

        var run = Assert.Single((await GetAsync(world, policy)).Status.RecentRuns!);
        Assert.Equal("catch-up", run.Trigger);
    }

    [Fact]
    public async Task Reconcile_RunsEachRunNowValueOnce_EvenWhenSuspended()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(s => { s.Schedule = "0 3 1 1 *"; s.Suspend = true; });
        policy = await AnnotateAsync(world, policy, "first");

        var result = await ReconcileAsync(world, policy);
        await ReconcileAsync(world, await GetAsync(world, policy));

        var stored = await GetAsync(world, policy);
        var run = Assert.Single(stored.Status.RecentRuns!);
        Assert.Equal("manual", run.Trigger);
        Assert.Equal("first", stored.Status.LastRunNow);
        Assert.Null(stored.Status.NextScheduleTime);
        Assert.Equal("Suspended", Conditions.Find(stored.Status.Conditions, ConditionTypes.Ready)!.Reason);
        Assert.Null(result.Delay);

        await ReconcileAsync(world, await AnnotateAsync(world, stored, "second"));
        Assert.Equal(2, (await GetAsync(world, policy)).Status.RecentRuns!.Count);
    }

    [Theory]
    [InlineData("not a cron", null, "InvalidSchedule")]
    [InlineData("0 3 * * *", "Mars/Olympus_Mons", "UnknownTimeZone")]
    public async Task Reconcile_SetsReadyFalse_WhenScheduleIsInvalid(string schedule, string? zone, string reason)
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(s => { s.Schedule = schedule; s.TimeZone = zone; });

        var result = await ReconcileAsync(world, policy);

        var ready = Conditions.Find((await GetAsync(world, policy)).Status.Conditions, ConditionTypes.Ready)!;
        Assert.Equal(("False", reason), (ready.Status, ready.Reason));
        Assert.Null(result.Delay);
    }

    [Fact]
    public async Task Reconcile_SetsReadyFalse_WhenSecretsWouldBeWrittenUnencrypted()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(s => s.IncludeSecrets = true);
        await world.SecretAsync("db", "password", "canary-never-written");
        world.Time.SetUtcNow(NextThreeOClock(policy.Metadata.CreationTimestamp!.Value).AddSeconds(5));

        await ReconcileAsync(world, policy);

        var stored = await GetAsync(world, policy);
        var ready = Conditions.Find(stored.Status.Conditions, ConditionTypes.Ready)!;
        Assert.Equal(("False", RunFailureReasons.SecretsRequireEncryption), (ready.Status, ready.Reason));
        Assert.Null(stored.Status.RecentRuns);
        Assert.Empty(world.Files(world.Backups));
    }

    [Fact]
    public async Task Reconcile_SetsReadyFalse_WhenPolicyReadsAnotherNamespace()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(s => s.Sources[0].Kubernetes!.Namespaces = ["kube-system"]);
        world.Time.SetUtcNow(NextThreeOClock(policy.Metadata.CreationTimestamp!.Value).AddSeconds(5));

        await ReconcileAsync(world, policy);

        var stored = await GetAsync(world, policy);
        var ready = Conditions.Find(stored.Status.Conditions, ConditionTypes.Ready)!;
        Assert.Equal(("False", RunFailureReasons.TenancyViolation), (ready.Status, ready.Reason));
        Assert.Contains("kube-system", ready.Message, StringComparison.Ordinal);
        Assert.Null(stored.Status.RecentRuns);
    }

    [Fact]
    public async Task Reconcile_SetsReadyFalse_WhenFilesystemPathIsRelative()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = Some.Policy(name: "relative", @namespace: world.Namespace);
        policy.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = "backups/here" } };

        var result = await ReconcileAsync(world, await CreateUncheckedAsync(world, policy));

        var ready = Conditions.Find((await GetAsync(world, policy)).Status.Conditions, ConditionTypes.Ready)!;
        Assert.Equal(("False", RunFailureReasons.InvalidDestination), (ready.Status, ready.Reason));
        Assert.Contains("absolute", ready.Message, StringComparison.Ordinal);
        Assert.Null(result.Delay);
    }

    /// <summary>The CRD's pattern refuses a relative path; the operator must also catch it where no schema runs (CLI, older CRDs).</summary>
    private static async Task<MetaBackupPolicy> CreateUncheckedAsync(RunnerWorld world, MetaBackupPolicy policy)
    {
        var valid = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = "/valid" } };
        var wanted = policy.Spec.Destination;
        policy.Spec.Destination = valid;
        var created = await world.Client.CustomObjects.CreateNamespacedCustomObjectAsync<MetaBackupPolicy>(policy, ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural);
        created.Spec.Destination = wanted;
        return created;
    }

    private static DateTime NextThreeOClock(DateTime after)
    {
        var day = after.Date.AddHours(3);
        return DateTime.SpecifyKind(day > after ? day : day.AddDays(1), DateTimeKind.Utc);
    }

    [Fact]
    public async Task Reconcile_RecordsOneMissScheduleWarning_WhenTheOccurrenceIsBeyondTheStartingDeadline()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app");
        var policy = await world.PolicyAsync(s =>
        {
            s.Schedule = "0 3 * * *";
            s.StartingDeadlineSeconds = 60;
        });
        var due = NextThreeOClock(policy.Metadata.CreationTimestamp!.Value);
        world.Time.SetUtcNow(due.AddHours(2));
        var writer = new StatusWriter(new CustomResourceClient(world.Client), NullLogger<StatusWriter>.Instance);
        var reconciler = new MetaBackupPolicyReconciler(world.Runner, new PolicyBackupRunnerOptions { AdminNamespaces = ["dbackup-system"] }, writer, new BackupSlots(), world.Time,
            NullLogger<MetaBackupPolicyReconciler>.Instance, new EventRecorder(world.Client, NullLogger<EventRecorder>.Instance, world.Time));

        await reconciler.ReconcileAsync(policy, CancellationToken.None);
        await reconciler.ReconcileAsync(await GetAsync(world, policy), CancellationToken.None);

        var missed = Assert.Single(await world.EventsAsync(policy), e => e.Reason == MissedScheduleReporter.Reason);
        Assert.Equal("Warning", missed.Type);
        Assert.Contains(due.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), missed.Message, StringComparison.Ordinal);
        Assert.Contains("startingDeadlineSeconds", missed.Message, StringComparison.Ordinal);
        Assert.Null((await GetAsync(world, policy)).Status.RecentRuns);
        Assert.Empty(world.Files(world.Backups));

        // The next occurrence, within the deadline, runs and is not reported as missed.
        world.Time.SetUtcNow(due.AddDays(1).AddSeconds(5));
        await reconciler.ReconcileAsync(await GetAsync(world, policy), CancellationToken.None);
        Assert.Single(await world.EventsAsync(policy), e => e.Reason == MissedScheduleReporter.Reason);
        Assert.Single((await GetAsync(world, policy)).Status.RecentRuns!);
        Assert.Equal(due.AddDays(1), (await GetAsync(world, policy)).Status.LastScheduleTime);
    }

    [Fact]
    public async Task Reconcile_ExportsTheLastSuccessFromStatus_AfterARestartWithoutARun()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(s => s.Schedule = "0 3 1 1 *");
        var time = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        // What a previous operator process left in status; this process has run nothing for the policy.
        policy.Status = new MetaBackupPolicyStatus { LastSuccessfulBackup = new BackupSummary { Name = "x", Time = time, SizeBytes = 1234, Objects = 56 } };

        await ReconcileAsync(world, policy);

        var metrics = await ScrapeAsync();
        var labels = $"namespace=\"{world.Namespace}\",policy=\"{policy.Metadata.Name}\"";
        Assert.Contains($"dbackup_backup_last_success_timestamp_seconds{{{labels}}} {new DateTimeOffset(time).ToUnixTimeSeconds()}", metrics, StringComparison.Ordinal);
        Assert.Contains($"dbackup_backup_last_size_bytes{{{labels}}} 1234", metrics, StringComparison.Ordinal);
        Assert.Contains($"dbackup_backup_last_objects{{{labels}}} 56", metrics, StringComparison.Ordinal);

        // An older status (a stale cache) never moves the exported time back.
        policy.Status.LastSuccessfulBackup.Time = time.AddDays(-1);
        await ReconcileAsync(world, policy);
        Assert.Contains($"dbackup_backup_last_success_timestamp_seconds{{{labels}}} {new DateTimeOffset(time).ToUnixTimeSeconds()}", await ScrapeAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static Task<ReconcileResult> ReconcileAsync(RunnerWorld world, MetaBackupPolicy policy)
    {
        var writer = new StatusWriter(new CustomResourceClient(world.Client), NullLogger<StatusWriter>.Instance);
        var reconciler = new MetaBackupPolicyReconciler(world.Runner, new PolicyBackupRunnerOptions { AdminNamespaces = ["dbackup-system"] }, writer, new BackupSlots(), world.Time, NullLogger<MetaBackupPolicyReconciler>.Instance);
        return reconciler.ReconcileAsync(policy, CancellationToken.None);
    }

    private static Task<MetaBackupPolicy> GetAsync(RunnerWorld world, MetaBackupPolicy policy) =>
        world.Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural, policy.Metadata.Name);

    private static Task<MetaBackupPolicy> AnnotateAsync(RunnerWorld world, MetaBackupPolicy policy, string value) =>
        world.Client.CustomObjects.PatchNamespacedCustomObjectAsync<MetaBackupPolicy>(
            new V1Patch(new { metadata = new { annotations = new Dictionary<string, string> { [ApiGroup.RunNowAnnotation] = value } } }, V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural, policy.Metadata.Name);
}
