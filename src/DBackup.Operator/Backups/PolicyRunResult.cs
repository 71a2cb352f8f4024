using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;

namespace DBackup.Operator.Backups;

/// <summary>The outcome of one policy run: everything status, events and the CLI need. All times are UTC.</summary>
public sealed record PolicyRunResult
{
    /// <summary><see cref="BackupRun.Result"/> of a run that succeeded.</summary>
    public const string SucceededResult = "Succeeded";

    /// <summary><see cref="BackupRun.Result"/> of a run that failed.</summary>
    public const string FailedResult = "Failed";

    /// <summary>Whether the backup was written completely (payload and meta.json).</summary>
    public required bool Succeeded { get; init; }

    /// <summary>Policy name.</summary>
    public required string Policy { get; init; }

    /// <summary>Policy namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The policy generation the run used (for condition observedGeneration).</summary>
    public long? Generation { get; init; }

    /// <summary>What started the run.</summary>
    public required string Trigger { get; init; }

    /// <summary>The scheduled occurrence the run stands for, if any.</summary>
    public DateTime? ScheduledTime { get; init; }

    /// <summary>The run-now value the run acted on, if any.</summary>
    public string? RunNowValue { get; init; }

    /// <summary>Start time.</summary>
    public required DateTime StartTime { get; init; }

    /// <summary>End time.</summary>
    public required DateTime CompletionTime { get; init; }

    /// <summary>The backup written (null when the run failed).</summary>
    public BackupSummary? Backup { get; init; }

    /// <summary>Key of the payload in the destination.</summary>
    public string? PayloadKey { get; init; }

    /// <summary>Where the backup went (folder or <c>s3://bucket/prefix</c>, never credentials).</summary>
    public string? Location { get; init; }

    /// <summary>Fingerprint of the key that encrypted the backup; null when unencrypted.</summary>
    public string? KeyId { get; init; }

    /// <summary>Complete backups of this policy in the destination after retention; null when unknown.</summary>
    public int? BackupCount { get; init; }

    /// <summary>Backups deleted by retention after this run, oldest first.</summary>
    public IReadOnlyList<string> DeletedBackups { get; init; } = [];

    /// <summary>Why retention could not run (the backup itself still succeeded); null when it ran.</summary>
    public string? RetentionError { get; init; }

    /// <summary><see cref="ConditionReasons.Succeeded"/>, or a CamelCase failure reason (<see cref="RunFailureReasons"/>, profile key reasons).</summary>
    public required string Reason { get; init; }

    /// <summary>One sentence: what was written, or why the run failed. Never contains secret values.</summary>
    public required string Message { get; init; }

    /// <summary>Id of the execution history row, when history is kept.</summary>
    public string? HistoryId { get; init; }

    /// <summary>What collection read and left out (names and counts only).</summary>
    public CollectionStats? Stats { get; init; }

    /// <summary>The run as a <c>status.recentRuns</c> row.</summary>
    public BackupRun ToRun() => new()
    {
        Name = Backup?.Name,
        Trigger = Trigger,
        StartTime = StartTime,
        CompletionTime = CompletionTime,
        Result = Succeeded ? SucceededResult : FailedResult,
        Message = Message,
        Objects = Backup?.Objects,
        SizeBytes = Backup?.SizeBytes,
    };
}
