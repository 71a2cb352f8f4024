using System.Collections.Concurrent;
using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using DBackup.Operator.Runtime;
using DBackup.Pipeline.History;
using k8s;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Controllers;

/// <summary>
/// Runs a MetaBackupRestore once: checks the spec and the tenancy rule, waits for a run slot, resolves the source,
/// restores through the engine, and records the result in status, history, events and metrics.
/// </summary>
/// <remarks>
/// One-shot, like CNPG's Backup: a restore that reached Succeeded, PartiallyFailed or Failed is never looked at
/// again — not when a GitOps tool re-applies it, not after a restart, not when its spec is changed where CEL is
/// off. <see cref="RestoreReasons.Applying"/> is recorded by the engine's
/// <see cref="RestoreRequest.BeforeFirstWrite"/> call, just before its first write. A restore found Running with
/// that reason was cut short by a stopped operator after it may have written objects: it is marked Failed
/// (<see cref="RestoreReasons.Interrupted"/>, naming its safety backup) instead of being run again over a
/// half-changed cluster. One found Running while still <see cref="RestoreReasons.Verifying"/> (verifying, planning,
/// writing its safety backup) had written nothing and simply starts over.
/// </remarks>
/// <param name="client">API client (the engine writes through it).</param>
/// <param name="options">Admin namespaces, temp folder, cluster name (shared with backups).</param>
/// <param name="statusWriter">Writes status under optimistic concurrency.</param>
/// <param name="slots">Operator-wide run slots shared with backups.</param>
/// <param name="history">Execution history, or null to keep none.</param>
/// <param name="events">Event recorder, or null to record none.</param>
/// <param name="time">Clock.</param>
/// <param name="logger">Structured log; never given Secret values.</param>
/// <param name="engineLogger">The restore engine's log (counts and names only).</param>
public sealed partial class MetaBackupRestoreReconciler(
    IKubernetes client, PolicyBackupRunnerOptions options, StatusWriter statusWriter, BackupSlots slots,
    ExecutionHistory? history, EventRecorder? events, TimeProvider time, ILogger<MetaBackupRestoreReconciler> logger, ILogger<RestoreEngine> engineLogger)
    : IReconciler<MetaBackupRestore>
{
    // Final results whose status write failed (API down, conflicts): the retry writes them instead of concluding
    // that the operator was interrupted.
    private readonly ConcurrentDictionary<string, RestoreRunOutcome> _unwritten = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(MetaBackupRestore entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var ns = entity.Metadata.NamespaceProperty ?? "default";
        var name = entity.Metadata.Name;
        var status = entity.Status;
        var uid = entity.Metadata.Uid ?? $"{ns}/{name}";
        if (MetaBackupRestoreStatus.IsTerminal(status?.Phase))
        {
            _unwritten.TryRemove(uid, out _); // A write whose answer was lost still landed.
            logger.LogDebug("MetaBackupRestore {Namespace}/{Name} already finished ({Phase}); a restore never runs twice", ns, name, status!.Phase);
            return ReconcileResult.Done;
        }

        if (_unwritten.TryGetValue(uid, out var unwritten))
        {
            await WriteOutcomeAsync(entity, unwritten, cancellationToken).ConfigureAwait(false);
            _unwritten.TryRemove(uid, out _);
            return ReconcileResult.Done;
        }

        if (status?.Phase == RestorePhase.Running
            && Conditions.Find(status.Conditions, ConditionTypes.Running)?.Reason == RestoreReasons.Applying)
        {
            await MarkInterruptedAsync(entity, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (RestoreSpecCheck.FirstProblem(entity, options.AdminNamespaces) is { } problem)
        {
            var outcome = RestoreRunOutcome.Failure(entity, problem.Reason, problem.Message, now, now);
            await RecordRefusalAsync(entity, outcome).ConfigureAwait(false);
            await FinishAsync(entity, outcome, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (status?.Phase is null)
        {
            entity = await statusWriter.UpdateAsync(entity, (MetaBackupRestoreStatus s) =>
            {
                s.SetPending("waiting for a free run slot", entity.Metadata.Generation, now);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }

        using (await slots.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            var outcome = await RunAsync(entity, cancellationToken).ConfigureAwait(false);
            await FinishAsync(outcome.Entity, outcome, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }

    /// <inheritdoc />
    /// <remarks>Deleting a restore changes nothing it restored, and keeps its history row and safety backup.</remarks>
    public Task FinalizeAsync(MetaBackupRestore entity, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes the final status (remembering it if that fails), then reports it once.</summary>
    private async Task FinishAsync(MetaBackupRestore entity, RestoreRunOutcome outcome, CancellationToken cancellationToken)
    {
        var uid = entity.Metadata.Uid ?? $"{entity.Metadata.NamespaceProperty}/{entity.Metadata.Name}";
        _unwritten[uid] = outcome;
        await WriteOutcomeAsync(entity, outcome, cancellationToken).ConfigureAwait(false);
        _unwritten.TryRemove(uid, out _);
    }

    private async Task WriteOutcomeAsync(MetaBackupRestore entity, RestoreRunOutcome outcome, CancellationToken cancellationToken)
    {
        await statusWriter.UpdateAsync(entity, (MetaBackupRestoreStatus s) =>
        {
            outcome.ApplyTo(s, entity.Metadata.Generation);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await ReportAsync(entity, outcome).ConfigureAwait(false);
    }

    /// <summary>A restore found applying after a restart: say what may have happened, never run it again.</summary>
    private async Task MarkInterruptedAsync(MetaBackupRestore entity, CancellationToken cancellationToken)
    {
        var status = entity.Status!;
        var now = time.GetUtcNow().UtcDateTime;
        var safety = status.SafetyBackupName is { } safetyName
            ? $"; safety backup {safetyName} holds the replaced objects as they were before"
            : "; no safety backup was recorded (nothing existing was to be replaced, or spec.safetyBackup is false)";
        var message = $"the operator stopped while this restore was applying backup {status.BackupName ?? "(unknown)"} (started {status.StartTime:yyyy-MM-ddTHH:mm:ssZ}); "
            + $"it is not run again automatically because some objects may already have been written{safety}; check the objects, then create a new MetaBackupRestore to finish";
        logger.LogWarning("MetaBackupRestore {Namespace}/{Name} was interrupted while applying; marking it failed", entity.Metadata.NamespaceProperty, entity.Metadata.Name);
        var outcome = RestoreRunOutcome.Failure(entity, RestoreReasons.Interrupted, message, status.StartTime ?? now, now) with
        {
            BackupName = status.BackupName,
            SafetyBackupName = status.SafetyBackupName,
        };
        await FinishAsync(entity, outcome, cancellationToken).ConfigureAwait(false);
    }
}
