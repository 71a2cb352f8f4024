namespace DBackup.Operator.Entities;

/// <summary>
/// Status transitions of a restore (CNPG's backup_funcs.go: SetAsStarted, SetAsFailed, IsDone). Each sets the
/// phase, its times and the matching conditions together, so a status never says Failed with a Running condition.
/// </summary>
public sealed partial class MetaBackupRestoreStatus
{
    /// <summary>Whether <paramref name="phase"/> is final: a restore in it never runs again.</summary>
    public static bool IsTerminal(RestorePhase? phase) => phase is RestorePhase.Succeeded or RestorePhase.PartiallyFailed or RestorePhase.Failed;

    /// <summary>Accepted and waiting (for a run slot); nothing has been read or written.</summary>
    public void SetPending(string message, long? generation, DateTime now)
    {
        Phase = RestorePhase.Pending;
        SetConditions(running: (Entities.Conditions.False, RestoreReasons.Waiting, message), complete: null, failed: null, generation, now);
    }

    /// <summary>
    /// Working: <see cref="RestoreReasons.Verifying"/> before the first write, <see cref="RestoreReasons.Applying"/>
    /// once the cluster may change. Only the latter makes an interrupted restore unsafe to start over.
    /// </summary>
    public void SetRunning(string reason, string message, long? generation, DateTime now)
    {
        Phase = RestorePhase.Running;
        StartTime ??= StatusTime.Seconds(now);
        SetConditions(running: (Entities.Conditions.True, reason, message), complete: null, failed: null, generation, now);
    }

    /// <summary>Finished without a fatal error: Succeeded, or PartiallyFailed when any object failed.</summary>
    /// <param name="summary">Counts per action.</param>
    /// <param name="items">Every outcome worth showing; kept bounded by <see cref="BoundItems"/>.</param>
    /// <param name="message">One sentence for the <c>Complete</c> condition.</param>
    /// <param name="generation">The generation that ran.</param>
    /// <param name="now">Completion time.</param>
    public void SetCompleted(RestoreSummary summary, IEnumerable<RestoreItem> items, string message, long? generation, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var partial = summary.Failed > 0;
        Phase = partial ? RestorePhase.PartiallyFailed : RestorePhase.Succeeded;
        Summary = summary;
        Items = BoundItems(items);
        StartTime ??= StatusTime.Seconds(now);
        CompletionTime = StatusTime.Seconds(now);
        var reason = partial ? RestoreReasons.PartiallyFailed : RestoreReasons.Succeeded;
        SetConditions(
            running: (Entities.Conditions.False, reason, "the restore has finished"),
            complete: (Entities.Conditions.True, reason, message),
            failed: partial ? (Entities.Conditions.True, RestoreReasons.PartiallyFailed, message) : (Entities.Conditions.False, RestoreReasons.Succeeded, "no object failed"),
            generation, now);
    }

    /// <summary>Failed as a whole: <paramref name="reason"/> is one of <see cref="RestoreReasons"/>.</summary>
    public void SetFailed(string reason, string message, long? generation, DateTime now)
    {
        Phase = RestorePhase.Failed;
        StartTime ??= StatusTime.Seconds(now);
        CompletionTime = StatusTime.Seconds(now);
        SetConditions(
            running: (Entities.Conditions.False, reason, "the restore has stopped"),
            complete: (Entities.Conditions.False, reason, message),
            failed: (Entities.Conditions.True, reason, message),
            generation, now);
    }

    /// <summary>
    /// At most <see cref="MaxItems"/> items: failures first, then skips (they may need attention, e.g. redacted
    /// Secrets), updates, creates and unchanged objects, each group in its given order.
    /// </summary>
    public static List<RestoreItem> BoundItems(IEnumerable<RestoreItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. items.Select((item, index) => (item, index))
            .OrderBy(x => Rank(x.item.Action)).ThenBy(x => x.index)
            .Take(MaxItems)
            .Select(x => x.item)];
    }

    private static int Rank(string action) => action switch
    {
        "fail" => 0,
        "skip" => 1,
        "update" => 2,
        "create" => 3,
        _ => 4,
    };

    private void SetConditions(
        (string Status, string Reason, string Message) running,
        (string Status, string Reason, string Message)? complete,
        (string Status, string Reason, string Message)? failed,
        long? generation,
        DateTime now)
    {
        Conditions ??= [];
        Entities.Conditions.Set(Conditions, Entities.Conditions.Build(ConditionTypes.Running, running.Status, running.Reason, running.Message, generation), now);
        foreach (var (type, value) in new[] { (ConditionTypes.Complete, complete), (ConditionTypes.Failed, failed) })
        {
            if (value is { } v)
            {
                Entities.Conditions.Set(Conditions, Entities.Conditions.Build(type, v.Status, v.Reason, v.Message, generation), now);
            }
        }
    }
}
