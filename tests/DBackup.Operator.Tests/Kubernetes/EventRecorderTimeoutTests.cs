using System.Diagnostics;
using DBackup.DevCluster.Faults;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Scheduling;
using DBackup.Operator.Tests.Backups;
using DBackup.Operator.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Kubernetes;

/// <summary>
/// <see cref="EventRecorder.TryRecordAsync"/> against DevCluster: bounded by its timeout, never throwing except for
/// the caller's own cancellation, and logging a warning that never holds the event's message.
/// </summary>
public sealed class EventRecorderTimeoutTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    private const string Canary = "event-canary-5e0c31";

    [Fact]
    public async Task TryRecordAsync_GivesUpAfterItsTimeout_AndLogsAWarningWithoutTheMessage_WhenTheApiServerHangs()
    {
        var (policy, ns) = await PolicyAsync();
        var logger = new CollectingLogger<EventRecorder>();
        var recorder = new EventRecorder(cluster.Client, logger);
        var hang = new FaultRule { Method = "POST", PathPattern = $"/api/v1/namespaces/{ns}/events", Latency = TimeSpan.FromSeconds(30) };
        using var fault = cluster.Cluster.Faults.Add(hang);

        var clock = Stopwatch.StartNew();
        var stored = await recorder.TryRecordAsync(policy, EventRecorder.Warning, "BackupFailed", $"backup failed ({Canary})", TimeSpan.FromMilliseconds(500));

        Assert.False(stored);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
        Assert.Equal(1, hang.Fired);
        var line = Assert.Single(logger.Lines);
        Assert.StartsWith("Warning: Could not record Warning event BackupFailed on MetaBackupPolicy", line, StringComparison.Ordinal);
        Assert.Contains("no answer within 0.5 s", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, logger.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryRecordAsync_ReturnsFalseAndLogs_InsteadOfThrowing_WhenTheApiServerFails()
    {
        var (policy, ns) = await PolicyAsync();
        var logger = new CollectingLogger<EventRecorder>();
        var recorder = new EventRecorder(cluster.Client, logger);
        using var fault = cluster.Cluster.Faults.Add(FaultRule.Status(500, pathPattern: $"/api/v1/namespaces/{ns}/events", method: "POST"));

        var stored = await recorder.TryRecordAsync(policy, EventRecorder.Normal, "BackupSucceeded", $"done ({Canary})");

        Assert.False(stored);
        Assert.StartsWith("Warning: Could not record Normal event BackupSucceeded", Assert.Single(logger.Lines), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, logger.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryRecordAsync_ThrowsTheCallersCancellation_AndLogsNothing()
    {
        var (policy, ns) = await PolicyAsync();
        var logger = new CollectingLogger<EventRecorder>();
        var recorder = new EventRecorder(cluster.Client, logger);
        using var fault = cluster.Cluster.Faults.Add(FaultRule.Delay(TimeSpan.FromSeconds(30), $"/api/v1/namespaces/{ns}/events", "POST"));
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recorder.TryRecordAsync(policy, EventRecorder.Normal, "BackupStarted", "started", TimeSpan.FromSeconds(20), stop.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(logger.Lines);
    }

    [Fact]
    public async Task TryRecordAsync_StoresTheEvent_WhenTheApiServerAnswersWithinTheTimeout()
    {
        var (policy, ns) = await PolicyAsync();
        var logger = new CollectingLogger<EventRecorder>();
        var recorder = new EventRecorder(cluster.Client, logger);
        using var fault = cluster.Cluster.Faults.Add(FaultRule.Delay(TimeSpan.FromMilliseconds(300), $"/api/v1/namespaces/{ns}/events", "POST"));

        Assert.True(await recorder.TryRecordAsync(policy, EventRecorder.Normal, "BackupSucceeded", "done", TimeSpan.FromSeconds(10)));

        var stored = Assert.Single((await cluster.Client.CoreV1.ListNamespacedEventAsync(ns)).Items);
        Assert.Equal(("BackupSucceeded", policy.Metadata.Uid), (stored.Reason, stored.InvolvedObject.Uid));
        Assert.Empty(logger.Lines);
        Assert.Equal(TimeSpan.FromSeconds(10), EventRecorder.DefaultTimeout);
    }

    [Fact]
    public async Task MissedScheduleReport_IsNotHeldByAHangingApiServer()
    {
        var (policy, ns) = await PolicyAsync();
        var logger = new CollectingLogger<EventRecorder>();
        var reporter = new MissedScheduleReporter(new EventRecorder(cluster.Client, logger), logger, TimeSpan.FromMilliseconds(500));
        var hang = new FaultRule { Method = "POST", PathPattern = $"/api/v1/namespaces/{ns}/events", Latency = TimeSpan.FromSeconds(30) };
        using var fault = cluster.Cluster.Faults.Add(hang);

        var clock = Stopwatch.StartNew();
        Assert.True(await reporter.ReportAsync(policy, new DateTime(2026, 1, 2, 3, 0, 0, DateTimeKind.Utc), null, CancellationToken.None));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
        Assert.Equal(1, hang.Fired);
        Assert.Contains(logger.Lines, l => l.Contains("Missed scheduled time 2026-01-02T03:00:00Z", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.StartsWith("Warning: Could not record Warning event MissSchedule", StringComparison.Ordinal));
    }

    private async Task<(MetaBackupPolicy Policy, string Namespace)> PolicyAsync()
    {
        var ns = await cluster.NamespaceAsync();
        var policy = await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync<MetaBackupPolicy>(
            Some.Policy(name: "p", @namespace: ns), ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural);
        return (policy, ns);
    }
}
