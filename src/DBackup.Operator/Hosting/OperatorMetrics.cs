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
}
