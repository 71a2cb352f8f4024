using DBackup.Operator.Entities;

namespace DBackup.Operator.Controllers;

/// <summary>How one restore ended, ready to be written into status and reported (events, metrics, log).</summary>
internal sealed record RestoreRunOutcome
{
    /// <summary>The restore as last stored (its resourceVersion saves a conflict on the final write).</summary>
    public required MetaBackupRestore Entity { get; init; }

    /// <summary>Succeeded, PartiallyFailed or Failed.</summary>
    public required RestorePhase Phase { get; init; }

    /// <summary>One of <see cref="RestoreReasons"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>One sentence for conditions and events; never a Secret value.</summary>
    public required string Message { get; init; }

    /// <summary>Counts, when objects were planned or applied.</summary>
    public RestoreSummary? Summary { get; init; }

    /// <summary>Every object's outcome (bounded only when written into status).</summary>
    public IReadOnlyList<RestoreItem> Items { get; init; } = [];

    /// <summary>The backup restored (resolved from <c>latest</c>).</summary>
    public string? BackupName { get; init; }

    /// <summary>The safety backup taken before the first change.</summary>
    public string? SafetyBackupName { get; init; }

    /// <summary>Whether only a plan was computed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Start time.</summary>
    public required DateTime Start { get; init; }

    /// <summary>Completion time.</summary>
    public required DateTime End { get; init; }

    /// <summary>The metric label of the result.</summary>
    public string MetricResult => Phase switch
    {
        RestorePhase.Succeeded => "succeeded",
        RestorePhase.PartiallyFailed => "partially_failed",
        _ => "failed",
    };

    /// <summary>A restore that failed as a whole.</summary>
    public static RestoreRunOutcome Failure(MetaBackupRestore entity, string reason, string message, DateTime start, DateTime end) => new()
    {
        Entity = entity, Phase = RestorePhase.Failed, Reason = reason, Message = message, Start = start, End = end,
        DryRun = entity.Spec.DryRun == true,
    };

    /// <summary>Objects per action, for metrics.</summary>
    public IReadOnlyDictionary<string, int> CountsByAction() => Summary is not { } s
        ? new Dictionary<string, int>()
        : new Dictionary<string, int>
        {
            ["create"] = s.Created, ["update"] = s.Updated, ["unchanged"] = s.Unchanged, ["skip"] = s.Skipped, ["fail"] = s.Failed,
        };

    /// <summary>Writes this outcome into <paramref name="status"/> (phase, times, names, counts, bounded items, conditions).</summary>
    public void ApplyTo(MetaBackupRestoreStatus status, long? generation)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.StartTime ??= Start;
        status.BackupName = BackupName ?? status.BackupName;
        status.SafetyBackupName = SafetyBackupName ?? status.SafetyBackupName;
        if (Phase == RestorePhase.Failed)
        {
            status.SetFailed(Reason, Message, generation, End);
            if (Summary is not null)
            {
                status.Summary = Summary;
                status.Items = MetaBackupRestoreStatus.BoundItems(Items);
            }

            return;
        }

        status.SetCompleted(Summary ?? new RestoreSummary(), Items, Message, generation, End);
    }
}
