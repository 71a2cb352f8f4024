using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Scheduling;

namespace DBackup.Operator.Tests.Backups;

/// <summary>Folding run results into status: times, bounded recent runs, counts and the BackupSucceeded condition.</summary>
public sealed class PolicyStatusUpdateTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Apply_RecordsSuccess_WhenRunSucceeded()
    {
        var status = new MetaBackupPolicyStatus();

        PolicyStatusUpdate.Apply(status, Success("nightly-1", T0, scheduled: T0, count: 3), T0.AddMinutes(1));

        Assert.Equal(T0, status.LastScheduleTime);
        Assert.Equal("nightly-1", status.LastSuccessfulBackup!.Name);
        Assert.Equal(3, status.BackupCount);
        var run = Assert.Single(status.RecentRuns!);
        Assert.Equal(PolicyRunResult.SucceededResult, run.Result);
        var condition = Assert.Single(status.Conditions!);
        Assert.Equal((ConditionTypes.BackupSucceeded, Conditions.True, ConditionReasons.Succeeded, 7L), (condition.Type, condition.Status, condition.Reason, condition.ObservedGeneration));
        Assert.Equal(T0.AddMinutes(1), condition.LastTransitionTime);
    }

    [Fact]
    public void Apply_KeepsNewestRunsFirstAndBounded_WhenManyRunsHappen()
    {
        var status = new MetaBackupPolicyStatus();
        for (var i = 0; i < MetaBackupPolicyStatus.MaxRecentRuns + 5; i++)
        {
            PolicyStatusUpdate.Apply(status, Success($"nightly-{i}", T0.AddHours(i), scheduled: T0.AddHours(i)), T0.AddHours(i));
        }

        Assert.Equal(MetaBackupPolicyStatus.MaxRecentRuns, status.RecentRuns!.Count);
        Assert.Equal($"nightly-{MetaBackupPolicyStatus.MaxRecentRuns + 4}", status.RecentRuns[0].Name);
        Assert.Equal("nightly-5", status.RecentRuns[^1].Name);
    }

    [Fact]
    public void Apply_FlipsConditionOnlyOnTransitions_AndKeepsLastSuccess_WhenRunFails()
    {
        var status = new MetaBackupPolicyStatus();
        PolicyStatusUpdate.Apply(status, Success("nightly-1", T0, scheduled: T0), T0);

        PolicyStatusUpdate.Apply(status, Failure(T0.AddDays(1), "SecretNotFound", "Secret ns/k does not exist"), T0.AddDays(1));
        PolicyStatusUpdate.Apply(status, Failure(T0.AddDays(2), "SecretNotFound", "Secret ns/k does not exist"), T0.AddDays(2));

        var condition = Assert.Single(status.Conditions!);
        Assert.Equal((Conditions.False, "SecretNotFound"), (condition.Status, condition.Reason));
        Assert.Equal(T0.AddDays(1), condition.LastTransitionTime);
        Assert.Equal("nightly-1", status.LastSuccessfulBackup!.Name);
        Assert.Equal([PolicyRunResult.FailedResult, PolicyRunResult.FailedResult, PolicyRunResult.SucceededResult], status.RecentRuns!.Select(r => r.Result));

        PolicyStatusUpdate.Apply(status, Success("nightly-4", T0.AddDays(3), scheduled: T0.AddDays(3)), T0.AddDays(3));

        Assert.Equal((Conditions.True, T0.AddDays(3)), (status.Conditions![0].Status, status.Conditions[0].LastTransitionTime));
    }

    [Fact]
    public void Apply_StoresRunNowAndNeverMovesLastScheduleTimeBack_WhenRunIsManual()
    {
        var status = new MetaBackupPolicyStatus { LastScheduleTime = T0.AddHours(2) };

        PolicyStatusUpdate.Apply(status, Success("nightly-m", T0.AddHours(1), scheduled: null) with { RunNowValue = "v2", Trigger = BackupTriggers.Manual }, T0);

        Assert.Equal(T0.AddHours(2), status.LastScheduleTime);
        Assert.Equal("v2", status.LastRunNow);
        Assert.Equal(BackupTriggers.Manual, status.RecentRuns![0].Trigger);

        PolicyStatusUpdate.Apply(status, Success("nightly-n", T0.AddHours(3).AddMilliseconds(400), scheduled: null), T0);

        Assert.Equal(T0.AddHours(3), status.LastScheduleTime);
    }

    private static PolicyRunResult Success(string name, DateTime start, DateTime? scheduled, int? count = null) => new()
    {
        Succeeded = true, Policy = "nightly", Namespace = "ns", Generation = 7, Trigger = BackupTriggers.Schedule, ScheduledTime = scheduled,
        StartTime = start, CompletionTime = start.AddSeconds(2), Reason = ConditionReasons.Succeeded, Message = $"Backup {name} written",
        Backup = new BackupSummary { Name = name, Time = start.AddSeconds(2), Objects = 4, SizeBytes = 100, Sha256 = "ab" }, BackupCount = count,
    };

    private static PolicyRunResult Failure(DateTime start, string reason, string message) => new()
    {
        Succeeded = false, Policy = "nightly", Namespace = "ns", Generation = 7, Trigger = BackupTriggers.Schedule, ScheduledTime = start,
        StartTime = start, CompletionTime = start, Reason = reason, Message = message,
    };
}
