namespace DBackup.Pipeline.History;

/// <summary>What is known when a restore run starts.</summary>
public sealed record RestoreExecutionStart
{
    /// <summary>Run id; a new GUID when not given.</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>Name of the MetaBackupRestore (or <c>cli</c>).</summary>
    public required string RestoreName { get; init; }

    /// <summary>Namespace of the restore; empty outside a cluster.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>Backup restored from.</summary>
    public required string BackupName { get; init; }

    /// <summary>Where the backup came from (destination location or file path).</summary>
    public required string Source { get; init; }

    /// <summary><c>Overwrite</c> or <c>Merge</c>.</summary>
    public required string Mode { get; init; }

    /// <summary>Whether only a plan was computed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Start time (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }
}

/// <summary>Outcome of a finished restore run.</summary>
public sealed record RestoreExecutionResult
{
    /// <summary>Completion time (UTC).</summary>
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary><see cref="ExecutionStatus.Succeeded"/>, <see cref="ExecutionStatus.PartiallyFailed"/> or <see cref="ExecutionStatus.Failed"/>.</summary>
    public required ExecutionStatus Status { get; init; }

    /// <summary>Objects created.</summary>
    public int Created { get; init; }

    /// <summary>Objects updated.</summary>
    public int Updated { get; init; }

    /// <summary>Objects already equal.</summary>
    public int Unchanged { get; init; }

    /// <summary>Objects skipped by mode or filters.</summary>
    public int Skipped { get; init; }

    /// <summary>Objects that failed.</summary>
    public int Failed { get; init; }

    /// <summary>The plan (object references, actions and reasons; never Secret values).</summary>
    public string? PlanJson { get; init; }

    /// <summary>Name of the safety backup taken before the restore.</summary>
    public string? SafetyBackupName { get; init; }

    /// <summary>Summary of what went wrong, if anything.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>A row of <c>restore_executions</c>.</summary>
public sealed record RestoreExecution
{
    /// <summary>Run id.</summary>
    public required string Id { get; init; }

    /// <summary>Name of the restore.</summary>
    public required string RestoreName { get; init; }

    /// <summary>Namespace of the restore.</summary>
    public required string Namespace { get; init; }

    /// <summary>Backup restored from.</summary>
    public required string BackupName { get; init; }

    /// <summary>Where the backup came from.</summary>
    public required string Source { get; init; }

    /// <summary>Restore mode.</summary>
    public required string Mode { get; init; }

    /// <summary>Whether only a plan was computed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Start time (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>End time (UTC), when finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Run state.</summary>
    public required ExecutionStatus Status { get; init; }

    /// <summary>Objects created.</summary>
    public int Created { get; init; }

    /// <summary>Objects updated.</summary>
    public int Updated { get; init; }

    /// <summary>Objects already equal.</summary>
    public int Unchanged { get; init; }

    /// <summary>Objects skipped.</summary>
    public int Skipped { get; init; }

    /// <summary>Objects that failed.</summary>
    public int Failed { get; init; }

    /// <summary>Error summary.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The plan.</summary>
    public string? PlanJson { get; init; }

    /// <summary>Safety backup name.</summary>
    public string? SafetyBackupName { get; init; }
}
