using System.Text.Json.Serialization;
using k8s.Models;

namespace DBackup.Operator.Entities;

/// <summary>Observed state of a MetaBackupPolicy.</summary>
public sealed class MetaBackupPolicyStatus
{
    /// <summary>Most recent runs kept in status; the full history lives in the operator's SQLite database.</summary>
    public const int MaxRecentRuns = 10;

    /// <summary>The generation of the spec this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Standard conditions: <c>Ready</c> (spec valid, key and destination usable) and <c>BackupSucceeded</c> (last run).</summary>
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>When the last run was started (scheduled or manual).</summary>
    [JsonPropertyName("lastScheduleTime")]
    public DateTime? LastScheduleTime { get; set; }

    /// <summary>When the next scheduled run is due; empty while suspended.</summary>
    [JsonPropertyName("nextScheduleTime")]
    public DateTime? NextScheduleTime { get; set; }

    /// <summary>The last <c>dbackup.io/run-now</c> annotation value acted on, so each new value runs exactly once.</summary>
    [JsonPropertyName("lastRunNow")]
    public string? LastRunNow { get; set; }

    /// <summary>The newest backup that completed.</summary>
    [JsonPropertyName("lastSuccessfulBackup")]
    public BackupSummary? LastSuccessfulBackup { get; set; }

    /// <summary>The most recent runs, newest first (bounded).</summary>
    [JsonPropertyName("recentRuns")]
    public List<BackupRun>? RecentRuns { get; set; }

    /// <summary>Complete backups of this policy in its destination after the last retention pass.</summary>
    [JsonPropertyName("backupCount")]
    public int? BackupCount { get; set; }

    /// <summary>Result of the last restore drill.</summary>
    [JsonPropertyName("lastVerification")]
    public VerificationResult? LastVerification { get; set; }
}

/// <summary>A completed backup.</summary>
public sealed class BackupSummary
{
    /// <summary>Backup name, e.g. <c>nightly-20260101T030000Z</c>.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Completion time.</summary>
    [JsonPropertyName("time")]
    public DateTime? Time { get; set; }

    /// <summary>Size of the stored file in bytes.</summary>
    [JsonPropertyName("sizeBytes")]
    public long? SizeBytes { get; set; }

    /// <summary>Number of objects.</summary>
    [JsonPropertyName("objects")]
    public long? Objects { get; set; }

    /// <summary>SHA-256 of the stored file.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; set; }

    /// <summary>How long the run took.</summary>
    [JsonPropertyName("durationSeconds")]
    public double? DurationSeconds { get; set; }
}

/// <summary>One run of a policy.</summary>
public sealed class BackupRun
{
    /// <summary>Backup name (empty when the run failed before naming one).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary><c>schedule</c>, <c>manual</c> or <c>catch-up</c>.</summary>
    [JsonPropertyName("trigger")]
    public string Trigger { get; set; } = string.Empty;

    /// <summary>Start time.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>End time.</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary><c>Succeeded</c> or <c>Failed</c>.</summary>
    [JsonPropertyName("result")]
    public string Result { get; set; } = string.Empty;

    /// <summary>What happened, in one sentence (the error for failed runs).</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>Number of objects backed up.</summary>
    [JsonPropertyName("objects")]
    public long? Objects { get; set; }

    /// <summary>Size of the stored file in bytes.</summary>
    [JsonPropertyName("sizeBytes")]
    public long? SizeBytes { get; set; }
}

/// <summary>Result of a restore drill.</summary>
public sealed class VerificationResult
{
    /// <summary>The backup that was checked.</summary>
    [JsonPropertyName("backup")]
    public string? Backup { get; set; }

    /// <summary>When.</summary>
    [JsonPropertyName("time")]
    public DateTime? Time { get; set; }

    /// <summary><c>Succeeded</c> or <c>Failed</c>.</summary>
    [JsonPropertyName("result")]
    public string? Result { get; set; }

    /// <summary>Details: counts of the dry-run plan, or why the backup could not be restored.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>CamelCase reason: <c>Succeeded</c>, or why not (BackupNotFound, KeyMissing, VerificationFailed …).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary><c>schedule</c> or <c>manual</c> (a new <c>dbackup.io/verify-now</c> value).</summary>
    [JsonPropertyName("trigger")]
    public string? Trigger { get; set; }

    /// <summary>The schedule occurrence this drill ran for (the next one is computed from it).</summary>
    [JsonPropertyName("scheduledTime")]
    public DateTime? ScheduledTime { get; set; }

    /// <summary>The last <c>dbackup.io/verify-now</c> annotation value acted on, so each new value runs once.</summary>
    [JsonPropertyName("verifyNow")]
    public string? VerifyNow { get; set; }

    /// <summary>Objects in the backup, when it could be read.</summary>
    [JsonPropertyName("objects")]
    public long? Objects { get; set; }
}
