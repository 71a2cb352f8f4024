using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Restore;

/// <summary>How a restore ended.</summary>
public enum RestoreOutcome
{
    /// <summary>Every selected object is in place and verified (or, for a dry run, planned without a failure).</summary>
    Succeeded,

    /// <summary>Some objects failed; the others were applied. See the failed items.</summary>
    PartiallyFailed,

    /// <summary>Nothing was applied (see <see cref="RestoreResult.FailureReason"/>), or every object failed.</summary>
    Failed,
}

/// <summary>Machine-readable causes of a failed restore, for conditions, events and metrics.</summary>
public static class RestoreFailureKinds
{
    /// <summary>The request itself is invalid (mapping, parallelism, folder name).</summary>
    public const string InvalidRequest = "InvalidRequest";

    /// <summary>No such backup, or no complete backup for <c>latest</c>.</summary>
    public const string BackupNotFound = "BackupNotFound";

    /// <summary>The backup failed verification: tampered, truncated, wrong or missing key, malformed.</summary>
    public const string InvalidBackup = "InvalidBackup";

    /// <summary>The selection writes outside the allowed namespace.</summary>
    public const string Tenancy = "TenancyViolation";

    /// <summary>The safety backup could not be written, so nothing was changed.</summary>
    public const string SafetyBackupFailed = "SafetyBackupFailed";

    /// <summary>The cluster could not be read while planning.</summary>
    public const string ClusterUnavailable = "ClusterUnavailable";

    /// <summary>Every object failed.</summary>
    public const string AllObjectsFailed = "AllObjectsFailed";
}

/// <summary>Counts per action.</summary>
/// <param name="Created">Objects created.</param>
/// <param name="Updated">Objects replaced.</param>
/// <param name="Unchanged">Objects already equal.</param>
/// <param name="Skipped">Objects left alone.</param>
/// <param name="Failed">Objects that failed.</param>
public sealed record RestoreCounts(int Created, int Updated, int Unchanged, int Skipped, int Failed)
{
    /// <summary>Counts the actions of <paramref name="items"/>.</summary>
    public static RestoreCounts Of(IEnumerable<RestoreItemResult> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        int c = 0, u = 0, n = 0, s = 0, f = 0;
        foreach (var item in items)
        {
            _ = item.Action switch
            {
                RestoreAction.Create => c++,
                RestoreAction.Update => u++,
                RestoreAction.Unchanged => n++,
                RestoreAction.Skip => s++,
                _ => f++,
            };
        }

        return new RestoreCounts(c, u, n, s, f);
    }
}

/// <summary>What happened (or, in a dry run, would happen) to one object.</summary>
/// <param name="Resource"><c>plural</c> or <c>plural.group</c>.</param>
/// <param name="Namespace">Target namespace after mapping; null for cluster-scoped objects.</param>
/// <param name="Name">Target name (a mapped Namespace object carries its new name).</param>
/// <param name="Action">The action.</param>
/// <param name="Reason">Why: the error, the skip reason, the field diff of an update, a note on a create. Never a Secret value.</param>
public sealed record RestoreItemResult(string Resource, string? Namespace, string Name, RestoreAction Action, string? Reason)
{
    /// <summary><c>ns/name</c>, or the name alone for cluster-scoped objects.</summary>
    public string Display => Namespace is null ? $"{Resource}/{Name}" : $"{Resource}/{Namespace}/{Name}";
}

/// <summary>The outcome of <see cref="RestoreEngine.RunAsync"/>.</summary>
public sealed record RestoreResult
{
    /// <summary>How it ended.</summary>
    public required RestoreOutcome Outcome { get; init; }

    /// <summary>Whether this was a dry run (nothing written).</summary>
    public required bool DryRun { get; init; }

    /// <summary>The backup restored (resolved from <c>latest</c>); null when it could not be found.</summary>
    public string? BackupName { get; init; }

    /// <summary>The backup's payload key in the source destination.</summary>
    public string? BackupKey { get; init; }

    /// <summary>Why the backup was read without its meta.json (<see cref="DBackup.Pipeline.Storage.BackupState.MetaMissing"/>, see <see cref="RestoreRequest.AcceptPayloadWithoutMeta"/>); null when it had one.</summary>
    public string? BackupNote { get; init; }

    /// <summary>The safety backup written before the first change; null when none was asked for or nothing existing changed.</summary>
    public string? SafetyBackupName { get; init; }

    /// <summary>The safety backup's payload key in its destination.</summary>
    public string? SafetyBackupKey { get; init; }

    /// <summary>Counts per action.</summary>
    public required RestoreCounts Counts { get; init; }

    /// <summary>Every object, failures first, then in apply order.</summary>
    public required IReadOnlyList<RestoreItemResult> Items { get; init; }

    /// <summary>Secrets created with placeholder values from a redacted backup (<c>namespace/name</c>): they need real values.</summary>
    public IReadOnlyList<string> SecretsNeedingValues { get; init; } = [];

    /// <summary>One of <see cref="RestoreFailureKinds"/> when <see cref="Outcome"/> is Failed.</summary>
    public string? FailureKind { get; init; }

    /// <summary>Why the restore failed as a whole (nothing was applied, or everything failed). Never a Secret value.</summary>
    public string? FailureReason { get; init; }

    /// <summary>When the restore started.</summary>
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>When it ended.</summary>
    public required DateTimeOffset CompletionTime { get; init; }

    /// <summary>At most <paramref name="max"/> items for a status: every failure first, then changes (create/update), then skips, then unchanged.</summary>
    public IReadOnlyList<RestoreItemResult> BoundedItems(int max) =>
        [.. Items.OrderBy(i => i.Action switch
        {
            RestoreAction.Fail => 0,
            RestoreAction.Update => 1,
            RestoreAction.Create => 2,
            RestoreAction.Skip => 3,
            _ => 4,
        }).Take(Math.Max(0, max))];
}
