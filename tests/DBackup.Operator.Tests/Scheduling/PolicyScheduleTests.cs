using System.Globalization;
using DBackup.Operator.Entities;
using DBackup.Operator.Scheduling;
using k8s.Models;

namespace DBackup.Operator.Tests.Scheduling;

/// <summary>Schedule decisions with CronJob semantics: one run per unmet occurrence, deadlines, suspend, zones and DST.</summary>
public sealed class PolicyScheduleTests
{
    [Theory]
    //           schedule        zone             now                    lastScheduleTime       created                deadline suspend trigger      scheduled              next                   missed
    // Every minute: due exactly, not yet, and already run.
    [InlineData("* * * * *", null, "2026-01-01T10:00:00", "2026-01-01T09:59:00", "2026-01-01T00:00:00", null, false, "schedule", "2026-01-01T10:00:00", "2026-01-01T10:01:00", null)]
    [InlineData("* * * * *", null, "2026-01-01T10:00:30", "2026-01-01T10:00:00", "2026-01-01T00:00:00", null, false, null, null, "2026-01-01T10:01:00", null)]
    [InlineData("* * * * *", null, "2026-01-01T10:00:20", "2026-01-01T09:59:00", "2026-01-01T00:00:00", null, false, "schedule", "2026-01-01T10:00:00", "2026-01-01T10:01:00", null)]
    // Never ran: occurrences count from the creation time, not from the epoch.
    [InlineData("0 3 * * *", null, "2026-01-01T02:00:00", null, "2026-01-01T01:00:00", null, false, null, null, "2026-01-01T03:00:00", null)]
    [InlineData("0 3 * * *", null, "2026-01-01T03:00:10", null, "2026-01-01T01:00:00", null, false, "schedule", "2026-01-01T03:00:00", "2026-01-02T03:00:00", null)]
    [InlineData("0 3 * * *", null, "2026-01-01T03:30:00", null, "2026-01-01T03:10:00", null, false, null, null, "2026-01-02T03:00:00", null)]
    // Daily in a zone: 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer.
    [InlineData("0 3 * * *", "Europe/Berlin", "2026-01-15T02:00:00", "2026-01-14T02:00:00", "2026-01-01T00:00:00", null, false, "schedule", "2026-01-15T02:00:00", "2026-01-16T02:00:00", null)]
    [InlineData("0 3 * * *", "Europe/Berlin", "2026-07-15T01:00:00", "2026-07-14T01:00:00", "2026-01-01T00:00:00", null, false, "schedule", "2026-07-15T01:00:00", "2026-07-16T01:00:00", null)]
    // DST jump forward (2026-03-29, 02:00 -> 03:00 in Berlin): 02:30 does not exist and runs at the transition.
    [InlineData("30 2 * * *", "Europe/Berlin", "2026-03-29T00:00:00", "2026-03-28T01:30:00", "2026-01-01T00:00:00", null, false, null, null, "2026-03-29T01:00:00", null)]
    [InlineData("30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:05", "2026-03-28T01:30:00", "2026-01-01T00:00:00", null, false, "schedule", "2026-03-29T01:00:00", "2026-03-30T00:30:00", null)]
    // DST fall back (2026-10-25, 03:00 -> 02:00): 02:30 happens twice but runs once.
    [InlineData("30 2 * * *", "Europe/Berlin", "2026-10-25T01:30:00", "2026-10-25T00:30:00", "2026-01-01T00:00:00", null, false, null, null, "2026-10-26T01:30:00", null)]
    // Suspended: no run, no next time.
    [InlineData("* * * * *", null, "2026-01-01T10:00:00", "2026-01-01T09:59:00", "2026-01-01T00:00:00", null, true, null, null, null, null)]
    // Missed many occurrences without a deadline: exactly one catch-up run for the most recent one.
    [InlineData("0 * * * *", null, "2026-01-03T10:20:00", "2026-01-01T00:00:00", "2025-12-01T00:00:00", null, false, "catch-up", "2026-01-03T10:00:00", "2026-01-03T11:00:00", null)]
    [InlineData("* * * * *", null, "2030-06-01T12:00:30", "2026-01-01T00:00:00", "2025-12-01T00:00:00", null, false, "catch-up", "2030-06-01T12:00:00", "2030-06-01T12:01:00", null)]
    // One occurrence missed, still within the deadline: one catch-up run.
    [InlineData("0 3 * * *", null, "2026-01-02T03:05:00", "2026-01-01T03:00:00", "2025-12-01T00:00:00", 600L, false, "catch-up", "2026-01-02T03:00:00", "2026-01-03T03:00:00", null)]
    [InlineData("0 * * * *", null, "2026-01-03T10:05:00", "2026-01-01T00:00:00", "2025-12-01T00:00:00", 600L, false, "catch-up", "2026-01-03T10:00:00", "2026-01-03T11:00:00", null)]
    // Missed beyond the deadline: no run, the miss is reported, the next occurrence is due.
    [InlineData("0 3 * * *", null, "2026-01-02T03:20:00", "2026-01-01T03:00:00", "2025-12-01T00:00:00", 600L, false, null, null, "2026-01-03T03:00:00", "2026-01-02T03:00:00")]
    [InlineData("0 * * * *", null, "2026-01-03T10:30:00", "2026-01-01T00:00:00", "2025-12-01T00:00:00", 60L, false, null, null, "2026-01-03T11:00:00", "2026-01-03T10:00:00")]
    // A deadline longer than all of history limits nothing.
    [InlineData("0 3 * * *", null, "2026-01-02T03:20:00", "2026-01-01T03:00:00", "2025-12-01T00:00:00", long.MaxValue, false, "catch-up", "2026-01-02T03:00:00", "2026-01-03T03:00:00", null)]
    public void Decide_FollowsCronJobSemantics(
        string schedule, string? zone, string now, string? last, string created, long? deadline, bool suspend,
        string? trigger, string? scheduled, string? next, string? missed)
    {
        var decision = PolicySchedule.Parse(schedule, zone).Decide(Utc(now), last is null ? null : Utc(last), Utc(created), deadline, suspend);

        Assert.Equal(trigger, decision.Trigger);
        Assert.Equal(trigger is not null, decision.ShouldRun);
        Assert.Equal(Optional(scheduled), decision.ScheduledTime);
        Assert.Equal(Optional(next), decision.NextScheduleTime);
        Assert.Equal(Optional(missed), decision.MissedTime);
    }

    [Fact]
    public void Decide_RunsEachOccurrenceOnce_WhenLastScheduleTimeIsStored()
    {
        var schedule = PolicySchedule.Parse("*/5 * * * *", null);
        var created = Utc("2026-01-01T00:00:00");
        DateTime? last = null;
        var runs = new List<DateTime>();
        for (var now = Utc("2026-01-01T00:00:00"); now < Utc("2026-01-01T00:30:00"); now = now.AddSeconds(20))
        {
            var decision = schedule.Decide(now, last, created, null, suspend: false);
            if (decision.ShouldRun)
            {
                runs.Add(decision.ScheduledTime!.Value);
                last = decision.ScheduledTime;
            }
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(i => created.AddMinutes(5 * i)), runs);
    }

    [Fact]
    public void RequeueAfter_IsTheTimeUntilTheNextOccurrence()
    {
        var now = Utc("2026-01-01T02:59:30");
        var decision = PolicySchedule.Parse("0 3 * * *", null).Decide(now, null, Utc("2026-01-01T00:00:00"), null, suspend: false);

        Assert.Equal(TimeSpan.FromSeconds(30), decision.RequeueAfter(now));
        Assert.Null(new ScheduleDecision().RequeueAfter(now));
    }

    [Theory]
    [InlineData("0 3 * *", ScheduleException.InvalidSchedule, "'0 3 * *'")]
    [InlineData("61 * * * *", ScheduleException.InvalidSchedule, "'61 * * * *'")]
    [InlineData("", ScheduleException.InvalidSchedule, "5-field cron")]
    [InlineData("0 3 * * * *", ScheduleException.InvalidSchedule, "5-field cron")]
    [InlineData("0 0 30 2 *", ScheduleException.InvalidSchedule, "never occurs")]
    public void Parse_ExplainsTheProblem_WhenCronIsInvalid(string schedule, string reason, string fragment)
    {
        var error = Assert.Throws<ScheduleException>(() => PolicySchedule.Parse(schedule, null));

        Assert.Equal(reason, error.Reason);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NamesTheZone_WhenTimeZoneIsUnknown()
    {
        var error = Assert.Throws<ScheduleException>(() => PolicySchedule.Parse("0 3 * * *", "Mars/Olympus_Mons"));

        Assert.Equal(ScheduleException.UnknownTimeZone, error.Reason);
        Assert.Contains("'Mars/Olympus_Mons'", error.Message, StringComparison.Ordinal);
        Assert.False(PolicySchedule.TryParse("0 3 * * *", "Mars/Olympus_Mons", out _, out var tried));
        Assert.Equal(ScheduleException.UnknownTimeZone, tried!.Reason);
    }

    [Theory]
    // annotation, lastRunNow, suspend, now (schedule 0 3 * * *, last run 2026-01-01T03:00Z), trigger, scheduled
    [InlineData("v2", "v1", false, "2026-01-01T12:00:00", "manual", null)]
    [InlineData("v1", "v1", false, "2026-01-01T12:00:00", null, null)]
    [InlineData("v1", null, true, "2026-01-01T12:00:00", "manual", null)]
    [InlineData(null, "v1", false, "2026-01-01T12:00:00", null, null)]
    // A manual run when the schedule is also due covers the occurrence too.
    [InlineData("v2", "v1", false, "2026-01-02T03:00:00", "manual", "2026-01-02T03:00:00")]
    public void Decide_RunsOnceManually_WhenRunNowAnnotationChanges(string? annotation, string? lastRunNow, bool suspend, string now, string? trigger, string? scheduled)
    {
        var policy = new MetaBackupPolicy
        {
            Metadata = new V1ObjectMeta
            {
                Name = "p",
                CreationTimestamp = Utc("2025-12-01T00:00:00"),
                Annotations = annotation is null ? null : new Dictionary<string, string> { [ApiGroup.RunNowAnnotation] = annotation },
            },
            Spec = new MetaBackupPolicySpec { Schedule = "0 3 * * *", Suspend = suspend },
            Status = new MetaBackupPolicyStatus { LastScheduleTime = Utc("2026-01-01T03:00:00"), LastRunNow = lastRunNow },
        };

        var decision = PolicySchedule.For(policy.Spec).Decide(policy, Utc(now));

        Assert.Equal(trigger, decision.Trigger);
        Assert.Equal(trigger == BackupTriggers.Manual ? annotation : null, decision.RunNowValue);
        Assert.Equal(Optional(scheduled), decision.ScheduledTime);
        Assert.Equal(suspend ? null : Utc("2026-01-02T03:00:00") > Utc(now) ? Utc("2026-01-02T03:00:00") : Utc("2026-01-03T03:00:00"), decision.NextScheduleTime);
    }

    private static DateTime Utc(string text) =>
        DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static DateTime? Optional(string? text) => text is null ? null : Utc(text);
}
