namespace DBackup.Operator.Scheduling;

/// <summary>
/// What a policy should do now: run once (scheduled, catch-up or manual) or wait, and when it is due next.
/// Produced by <see cref="PolicySchedule.Decide(DateTime, DateTime?, DateTime, long?, bool)"/>; all times are UTC.
/// </summary>
public sealed record ScheduleDecision
{
    /// <summary>Whether a backup should run now.</summary>
    public bool ShouldRun => Trigger is not null;

    /// <summary>The trigger of the run to start now (<see cref="BackupTriggers"/>), or null to wait.</summary>
    public string? Trigger { get; init; }

    /// <summary>
    /// The scheduled occurrence the run stands for; it becomes <c>status.lastScheduleTime</c> (as a CronJob's does),
    /// so the same occurrence never runs twice. Null when no occurrence is due (a manual run alone).
    /// </summary>
    public DateTime? ScheduledTime { get; init; }

    /// <summary>When the next scheduled run is due (<c>status.nextScheduleTime</c>); null while suspended.</summary>
    public DateTime? NextScheduleTime { get; init; }

    /// <summary>
    /// The most recent occurrence that was skipped because it is older than <c>startingDeadlineSeconds</c>, for a
    /// Warning event; null when nothing was missed.
    /// </summary>
    public DateTime? MissedTime { get; init; }

    /// <summary>The <c>dbackup.io/run-now</c> value this run acts on; store it in <c>status.lastRunNow</c>.</summary>
    public string? RunNowValue { get; init; }

    /// <summary>How long to wait before the next scheduled run, for a reconcile result; null while suspended.</summary>
    /// <param name="now">The current time (UTC).</param>
    public TimeSpan? RequeueAfter(DateTime now) =>
        NextScheduleTime is { } next ? (next > now ? next - now : TimeSpan.Zero) : null;
}
