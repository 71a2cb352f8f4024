using DBackup.Operator.Backups;
using Prometheus;

namespace DBackup.Operator.Hosting;

/// <summary>
/// Prometheus metrics of backup runs, per policy: runs by result, duration, and for the last success its
/// time, size and object count — what the chart's alerts ("backup failing", "no success within N hours") read.
/// </summary>
public static class OperatorMetrics
{
    private static readonly string[] PolicyLabels = ["namespace", "policy"];

    private static readonly Counter Runs = Metrics.CreateCounter(
        "dbackup_backup_runs_total", "Backup runs by result and trigger.", ["namespace", "policy", "trigger", "result"]);

    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "dbackup_backup_duration_seconds", "Duration of backup runs.",
        new HistogramConfiguration { LabelNames = PolicyLabels, Buckets = Histogram.ExponentialBuckets(0.5, 2, 12) });

    private static readonly Gauge LastSuccess = Metrics.CreateGauge(
        "dbackup_backup_last_success_timestamp_seconds", "Unix time of the last successful backup.", PolicyLabels);

    private static readonly Gauge LastSize = Metrics.CreateGauge(
        "dbackup_backup_last_size_bytes", "Size of the last successful backup file.", PolicyLabels);

    private static readonly Gauge LastObjects = Metrics.CreateGauge(
        "dbackup_backup_last_objects", "Objects in the last successful backup.", PolicyLabels);

    /// <summary>Records one finished run.</summary>
    public static void Record(PolicyRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Runs.WithLabels(result.Namespace, result.Policy, result.Trigger, result.Succeeded ? "succeeded" : "failed").Inc();
        Duration.WithLabels(result.Namespace, result.Policy).Observe((result.CompletionTime - result.StartTime).TotalSeconds);
        if (result.Succeeded && result.Backup is { } backup)
        {
            LastSuccess.WithLabels(result.Namespace, result.Policy).Set(new DateTimeOffset(DateTime.SpecifyKind(result.CompletionTime, DateTimeKind.Utc)).ToUnixTimeSeconds());
            LastSize.WithLabels(result.Namespace, result.Policy).Set(backup.SizeBytes ?? 0);
            LastObjects.WithLabels(result.Namespace, result.Policy).Set(backup.Objects ?? 0);
        }
    }

    /// <summary>
    /// Exports the last success recorded in the policy's status unless this process saw a newer one, so an
    /// operator restarted after the last backup still exports the series the "no recent success" alert reads.
    /// </summary>
    public static void RecordLastSuccess(string @namespace, string policy, Entities.BackupSummary? last)
    {
        if (last?.Time is not { } time)
        {
            return;
        }

        var seconds = new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds();
        var gauge = LastSuccess.WithLabels(@namespace, policy);
        if (gauge.Value >= seconds)
        {
            return;
        }

        gauge.Set(seconds);
        LastSize.WithLabels(@namespace, policy).Set(last.SizeBytes ?? 0);
        LastObjects.WithLabels(@namespace, policy).Set(last.Objects ?? 0);
    }

    private static readonly Counter Restores = Metrics.CreateCounter(
        "dbackup_restore_runs_total", "Restores by result (succeeded, partially_failed, failed) and whether they were dry runs.", ["namespace", "result", "dry_run"]);

    private static readonly Histogram RestoreDuration = Metrics.CreateHistogram(
        "dbackup_restore_duration_seconds", "Duration of restores, from start to a final phase.",
        new HistogramConfiguration { LabelNames = ["namespace"], Buckets = Histogram.ExponentialBuckets(0.25, 2, 14) });

    private static readonly Counter RestoreObjects = Metrics.CreateCounter(
        "dbackup_restore_objects_total", "Objects handled by restores, by action (create, update, unchanged, skip, fail).", ["namespace", "action", "dry_run"]);

    private static readonly Counter Verifications = Metrics.CreateCounter(
        "dbackup_verification_runs_total", "Restore drills by result.", ["namespace", "policy", "result"]);

    private static readonly Gauge VerificationOk = Metrics.CreateGauge(
        "dbackup_verification_last_succeeded", "1 when the last restore drill proved the newest backup restorable, 0 when it failed.", PolicyLabels);

    private static readonly Gauge VerificationTime = Metrics.CreateGauge(
        "dbackup_verification_last_timestamp_seconds", "Unix time of the last restore drill.", PolicyLabels);

    /// <summary>Records one restore that reached a final phase.</summary>
    /// <param name="ns">The restore's namespace.</param>
    /// <param name="result"><c>succeeded</c>, <c>partially_failed</c> or <c>failed</c>.</param>
    /// <param name="dryRun">Whether only a plan was computed.</param>
    /// <param name="duration">From start to the final phase.</param>
    /// <param name="objectsByAction">Objects per action (create, update, unchanged, skip, fail).</param>
    public static void RecordRestore(string ns, string result, bool dryRun, TimeSpan duration, IReadOnlyDictionary<string, int> objectsByAction)
    {
        ArgumentNullException.ThrowIfNull(objectsByAction);
        var dry = dryRun ? "true" : "false";
        Restores.WithLabels(ns, result, dry).Inc();
        RestoreDuration.WithLabels(ns).Observe(Math.Max(0, duration.TotalSeconds));
        foreach (var (action, count) in objectsByAction)
        {
            if (count > 0)
            {
                RestoreObjects.WithLabels(ns, action, dry).Inc(count);
            }
        }
    }

    /// <summary>Records one restore drill of a policy.</summary>
    public static void RecordVerification(string ns, string policy, bool succeeded, DateTime time)
    {
        Verifications.WithLabels(ns, policy, succeeded ? "succeeded" : "failed").Inc();
        VerificationOk.WithLabels(ns, policy).Set(succeeded ? 1 : 0);
        VerificationTime.WithLabels(ns, policy).Set(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds());
    }
}
