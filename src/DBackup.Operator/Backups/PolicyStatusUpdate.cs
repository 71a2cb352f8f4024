using DBackup.Operator.Entities;

namespace DBackup.Operator.Backups;

/// <summary>Folds a run's result into a policy's status, so the reconciler only calls <see cref="Apply"/> and writes.</summary>
public static class PolicyStatusUpdate
{
    /// <summary>
    /// Updates <c>lastScheduleTime</c> (the occurrence, or the start of a manual run; never backwards),
    /// <c>lastRunNow</c>, <c>lastSuccessfulBackup</c>, <c>recentRuns</c> (newest first, at most
    /// <see cref="MetaBackupPolicyStatus.MaxRecentRuns"/>), <c>backupCount</c> and the <c>BackupSucceeded</c> condition.
    /// <c>nextScheduleTime</c> comes from the schedule decision and is left to the caller.
    /// </summary>
    /// <param name="status">The status to change in place.</param>
    /// <param name="result">The run's result.</param>
    /// <param name="now">Transition time for the condition.</param>
    public static void Apply(MetaBackupPolicyStatus status, PolicyRunResult result, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(result);
        var scheduled = StatusTime.Seconds(result.ScheduledTime ?? result.StartTime);
        if (status.LastScheduleTime is not { } last || StatusTime.Seconds(last) < scheduled)
        {
            status.LastScheduleTime = scheduled;
        }

        if (result.RunNowValue is not null)
        {
            status.LastRunNow = result.RunNowValue;
        }

        if (result.Succeeded && result.Backup is not null)
        {
            status.LastSuccessfulBackup = result.Backup;
        }

        var runs = status.RecentRuns ?? [];
        runs.Insert(0, result.ToRun());
        if (runs.Count > MetaBackupPolicyStatus.MaxRecentRuns)
        {
            runs.RemoveRange(MetaBackupPolicyStatus.MaxRecentRuns, runs.Count - MetaBackupPolicyStatus.MaxRecentRuns);
        }

        status.RecentRuns = runs;
        if (result.BackupCount is { } count)
        {
            status.BackupCount = count;
        }

        status.Conditions ??= [];
        Conditions.Set(status.Conditions, Conditions.Build(
            ConditionTypes.BackupSucceeded, result.Succeeded ? Conditions.True : Conditions.False, result.Reason, result.Message, result.Generation), now);
    }
}
