using Cronos;
using DBackup.Operator.Entities;

namespace DBackup.Operator.Scheduling;

/// <summary>
/// A policy's cron schedule read in its time zone, and the decision of when to run, with the semantics of
/// the Kubernetes CronJob controller (<c>pkg/controller/cronjob/utils.go</c>, <c>mostRecentScheduleTime</c>):
/// only the most recent unmet occurrence since <c>lastScheduleTime</c> (or creation) runs, once; with
/// <c>startingDeadlineSeconds</c> it must also be at most that late. Missed occurrences never pile up into a
/// backlog of runs. Daylight-saving transitions are Cronos': a skipped local time runs at the transition, a
/// repeated one runs once.
/// </summary>
public sealed class PolicySchedule
{
    /// <summary>A run that starts later than this after its occurrence is reported as <see cref="BackupTriggers.CatchUp"/>.</summary>
    public static readonly TimeSpan CatchUpLateness = TimeSpan.FromMinutes(1);

    private static readonly DateTime NeverReference = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly CronExpression _cron;

    private PolicySchedule(CronExpression cron, TimeZoneInfo zone, string text)
    {
        _cron = cron;
        TimeZone = zone;
        Text = text;
    }

    /// <summary>The time zone the schedule is read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The cron text as given.</summary>
    public string Text { get; }

    /// <summary>Parses a five-field cron expression and an IANA time zone (UTC when null or empty).</summary>
    /// <param name="schedule">Cron text, e.g. <c>0 3 * * *</c>.</param>
    /// <param name="timeZone">IANA zone, e.g. <c>Europe/Berlin</c>.</param>
    /// <exception cref="ScheduleException">The cron text or the zone is not valid; <see cref="ScheduleException.Reason"/> says which.</exception>
    public static PolicySchedule Parse(string? schedule, string? timeZone)
    {
        var text = schedule?.Trim() ?? string.Empty;
        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(text, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new ScheduleException(ScheduleException.InvalidSchedule,
                $"schedule '{text}' is not a valid 5-field cron expression (minute hour day-of-month month day-of-week): {e.Message.TrimEnd('.')}", e);
        }

        // Cronos accepts dates no calendar has (0 0 30 2 *); such a policy would silently never run.
        if (cron.GetNextOccurrence(NeverReference) is null)
        {
            throw new ScheduleException(ScheduleException.InvalidSchedule, $"schedule '{text}' never occurs (no such date in any year)");
        }

        return new PolicySchedule(cron, Zone(timeZone), text);
    }

    /// <summary>Parses the schedule of a policy spec.</summary>
    /// <exception cref="ScheduleException">The cron text or the zone is not valid.</exception>
    public static PolicySchedule For(MetaBackupPolicySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Parse(spec.Schedule, spec.TimeZone);
    }

    /// <summary>Like <see cref="Parse"/>, without throwing.</summary>
    public static bool TryParse(string? schedule, string? timeZone, out PolicySchedule? result, out ScheduleException? error)
    {
        try
        {
            result = Parse(schedule, timeZone);
            error = null;
            return true;
        }
        catch (ScheduleException e)
        {
            result = null;
            error = e;
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="fromUtc"/>, or null if there is none.</summary>
    public DateTime? NextAfter(DateTime fromUtc) => _cron.GetNextOccurrence(Utc(fromUtc), TimeZone);

    /// <summary>
    /// Decides what to do at <paramref name="now"/>, like the CronJob controller: the most recent occurrence after
    /// <paramref name="lastScheduleTime"/> (or <paramref name="creationTime"/> when the policy never ran) and at or
    /// before now runs once, unless it is more than <paramref name="startingDeadlineSeconds"/> late.
    /// Without a deadline a missed occurrence always runs, however late. Suspended policies never run on schedule.
    /// </summary>
    /// <param name="now">Current time.</param>
    /// <param name="lastScheduleTime">The occurrence of the last scheduled run (<c>status.lastScheduleTime</c>).</param>
    /// <param name="creationTime">The policy's creation time.</param>
    /// <param name="startingDeadlineSeconds">How late a missed occurrence may still start; null for no limit.</param>
    /// <param name="suspend">Whether scheduled runs are paused.</param>
    public ScheduleDecision Decide(DateTime now, DateTime? lastScheduleTime, DateTime creationTime, long? startingDeadlineSeconds, bool suspend)
    {
        now = Utc(now);
        if (suspend)
        {
            return new ScheduleDecision();
        }

        var since = Utc(lastScheduleTime ?? creationTime);
        var earliest = since;
        // A deadline reaching back before year 1 limits nothing (and would overflow DateTime).
        if (startingDeadlineSeconds is { } deadline && deadline < (now - DateTime.MinValue).TotalSeconds)
        {
            var limit = now.AddSeconds(-deadline);
            earliest = limit > earliest ? limit : earliest;
        }

        var first = NextAfter(since);
        var due = MostRecent(earliest, now);
        var next = NextAfter(now > since ? now : since);
        if (due is null)
        {
            // A miss beyond the deadline is reported, not run; lastScheduleTime stays, as in the CronJob controller.
            var missed = earliest > since ? MostRecent(since, now) : null;
            return new ScheduleDecision { NextScheduleTime = next, MissedTime = missed };
        }

        var late = now - due.Value > CatchUpLateness || first != due;
        return new ScheduleDecision
        {
            Trigger = late ? BackupTriggers.CatchUp : BackupTriggers.Schedule,
            ScheduledTime = due,
            NextScheduleTime = next,
        };
    }

    /// <summary>
    /// <see cref="Decide(DateTime, DateTime?, DateTime, long?, bool)"/> for a policy, plus manual runs: a
    /// <c>dbackup.io/run-now</c> value that differs from <c>status.lastRunNow</c> runs once (also while suspended).
    /// A scheduled occurrence due at the same moment is covered by that one run.
    /// </summary>
    /// <param name="policy">The policy (spec, status, metadata).</param>
    /// <param name="now">Current time.</param>
    public ScheduleDecision Decide(MetaBackupPolicy policy, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var status = policy.Status ?? new MetaBackupPolicyStatus();
        var created = policy.Metadata.CreationTimestamp ?? Utc(now);
        var decision = Decide(now, status.LastScheduleTime, created, policy.Spec.StartingDeadlineSeconds, policy.Spec.Suspend == true);
        var runNow = policy.Metadata.Annotations?.TryGetValue(ApiGroup.RunNowAnnotation, out var value) == true ? value : null;
        if (!string.IsNullOrEmpty(runNow) && !string.Equals(runNow, status.LastRunNow, StringComparison.Ordinal))
        {
            return decision with { Trigger = BackupTriggers.Manual, RunNowValue = runNow };
        }

        return decision;
    }

    /// <summary>
    /// The latest occurrence in (<paramref name="after"/>, <paramref name="until"/>]. Searches backwards from
    /// <paramref name="until"/> in doubling windows, so a policy that missed years of minutes costs a few
    /// thousand steps at most, never one per missed occurrence (the CronJob controller's "too many missed" guard).
    /// </summary>
    private DateTime? MostRecent(DateTime after, DateTime until)
    {
        if (after >= until || NextAfter(after) is not { } first || first > until)
        {
            return null;
        }

        for (var window = TimeSpan.FromMinutes(1); ; window += window)
        {
            var from = until - after > window ? until - window : after;
            DateTime? last = null;
            for (var t = NextAfter(from); t is { } at && at <= until; t = NextAfter(at))
            {
                last = at;
            }

            if (last is not null || from == after)
            {
                return last;
            }
        }
    }

    private static TimeZoneInfo Zone(string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ScheduleException(ScheduleException.UnknownTimeZone,
                $"timeZone '{timeZone}' is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)", e);
        }
    }

    private static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };
}
