using System.Text.Json;
using DBackup.Operator.Entities;
using DBackup.Operator.Hosting;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.History;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Controllers;

/// <summary>The reporting side of a restore: history rows, events, metrics, logs. None of it can change the outcome.</summary>
public sealed partial class MetaBackupRestoreReconciler
{
    /// <summary>Reports a final outcome once its status is stored: the event, the metrics and the log line.</summary>
    private async Task ReportAsync(MetaBackupRestore entity, RestoreRunOutcome outcome)
    {
        OperatorMetrics.RecordRestore(entity.Metadata.NamespaceProperty ?? "default", outcome.MetricResult, outcome.DryRun, outcome.End - outcome.Start, outcome.CountsByAction());
        var (type, reason) = outcome.Phase switch
        {
            RestorePhase.Succeeded => (EventRecorder.Normal, "RestoreSucceeded"),
            RestorePhase.PartiallyFailed => (EventRecorder.Warning, "RestorePartiallyFailed"),
            _ when outcome.Reason == RestoreReasons.Interrupted => (EventRecorder.Warning, "RestoreInterrupted"),
            _ => (EventRecorder.Warning, "RestoreFailed"),
        };
        if (outcome.Phase == RestorePhase.Succeeded)
        {
            logger.LogInformation("MetaBackupRestore {Namespace}/{Name} {Phase}: {Message}", entity.Metadata.NamespaceProperty, entity.Metadata.Name, outcome.Phase, outcome.Message);
        }
        else
        {
            logger.LogWarning("MetaBackupRestore {Namespace}/{Name} {Phase} ({Reason}): {Message}", entity.Metadata.NamespaceProperty, entity.Metadata.Name, outcome.Phase, outcome.Reason, outcome.Message);
        }

        await EventAsync(entity, type, reason, outcome.Phase == RestorePhase.Succeeded ? outcome.Message : $"{outcome.Reason}: {outcome.Message}").ConfigureAwait(false);
    }

    /// <summary>A restore refused before it started (invalid spec, tenancy) still gets its history row.</summary>
    private async Task RecordRefusalAsync(MetaBackupRestore entity, RestoreRunOutcome outcome)
    {
        var id = await StartHistoryAsync(entity, entity.Spec.Backup ?? Pipeline.Storage.BackupCatalog.Latest, "(not opened)", outcome.Start).ConfigureAwait(false);
        await FailHistoryAsync(id, $"{outcome.Reason}: {outcome.Message}").ConfigureAwait(false);
    }

    private async Task EventAsync(MetaBackupRestore entity, string type, string reason, string message)
    {
        if (events is not null)
        {
            // Events describe what already happened, so they go out even while stopping (no token), but never hold a run for long.
            await events.TryRecordAsync(entity, type, reason, message).ConfigureAwait(false);
        }
    }

    private async Task<string?> StartHistoryAsync(MetaBackupRestore entity, string backup, string source, DateTime start)
    {
        if (history is null)
        {
            return null;
        }

        try
        {
            return await history.StartRestoreAsync(new RestoreExecutionStart
            {
                RestoreName = entity.Metadata.Name,
                Namespace = entity.Metadata.NamespaceProperty ?? "default",
                BackupName = backup,
                Source = source,
                Mode = (entity.Spec.Mode ?? RestoreMode.Merge).ToString(),
                DryRun = entity.Spec.DryRun == true,
                StartedAt = start,
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record the restore in the execution history: {Error}", e.Message);
            return null;
        }
    }

    private Task CompleteHistoryAsync(string? id, RestoreRunOutcome outcome) =>
        history is null || id is null ? Task.CompletedTask : GuardAsync(() => history.CompleteRestoreAsync(id, new RestoreExecutionResult
        {
            CompletedAt = outcome.End,
            Status = outcome.Phase switch
            {
                RestorePhase.Succeeded => ExecutionStatus.Succeeded,
                RestorePhase.PartiallyFailed => ExecutionStatus.PartiallyFailed,
                _ => ExecutionStatus.Failed,
            },
            Created = outcome.Summary?.Created ?? 0,
            Updated = outcome.Summary?.Updated ?? 0,
            Unchanged = outcome.Summary?.Unchanged ?? 0,
            Skipped = outcome.Summary?.Skipped ?? 0,
            Failed = outcome.Summary?.Failed ?? 0,
            PlanJson = JsonSerializer.Serialize(outcome.Items),
            SafetyBackupName = outcome.SafetyBackupName,
            ErrorMessage = outcome.Phase == RestorePhase.Succeeded ? null : $"{outcome.Reason}: {outcome.Message}",
        }));

    private Task FailHistoryAsync(string? id, string message) =>
        history is null || id is null ? Task.CompletedTask : GuardAsync(() => history.FailRestoreAsync(id, message, time.GetUtcNow()));

    private async Task GuardAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not update the execution history: {Error}", e.Message);
        }
    }
}
