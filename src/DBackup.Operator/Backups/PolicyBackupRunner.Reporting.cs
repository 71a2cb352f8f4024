using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline;
using DBackup.Pipeline.History;
using DBackup.Pipeline.Retention;
using DBackup.Pipeline.Storage;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Backups;

/// <summary>The reporting side of a run: history rows, events, retention. None of it can fail a backup that was written.</summary>
public sealed partial class PolicyBackupRunner
{
    private async Task<string?> StartHistoryAsync(string policy, string ns, string location, string trigger, DateTimeOffset start)
    {
        if (history is null)
        {
            return null;
        }

        try
        {
            return await history.StartBackupAsync(new BackupExecutionStart
            {
                Policy = policy, Namespace = ns, Destination = location, TriggeredBy = trigger, StartedAt = start,
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record the run in the execution history: {Error}", e.Message);
            return null;
        }
    }

    private async Task CompleteHistoryAsync(string? id, BackupResult written, DateTimeOffset done)
    {
        if (history is null || id is null)
        {
            return;
        }

        var meta = written.Meta;
        await Guard(() => history.CompleteBackupAsync(id, new BackupExecutionResult
        {
            CompletedAt = done, BackupName = written.Name, BackupPath = written.PayloadKey, SizeBytes = meta.Sizes.TarBytes,
            CompressedSizeBytes = meta.Sizes.PayloadBytes, ObjectsIncluded = meta.Objects, FilesIncluded = meta.Objects,
            Sha256 = meta.Sha256, KeyId = meta.Encryption.KeyId,
        })).ConfigureAwait(false);
    }

    private Task FailHistoryAsync(string? id, string message) =>
        history is null || id is null ? Task.CompletedTask : Guard(() => history.FailBackupAsync(id, message, time.GetUtcNow()));

    private async Task Guard(Func<Task> write)
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

    // Events go out even when the run was cancelled meanwhile (they describe what already happened: no token), but an
    // unresponsive API server must not hold the run for the client's full timeout (the recorder bounds the call).
    private async Task Event(MetaBackupPolicy policy, string type, string reason, string message)
    {
        if (events is not null)
        {
            await events.TryRecordAsync(policy, type, reason, message).ConfigureAwait(false);
        }
    }

    /// <summary>Applies retention and counts what is left; a failure here is reported but keeps the run successful.</summary>
    private async Task<PolicyRunResult> RetainAsync(MetaBackupPolicy policy, IBackupDestination destination, RetentionPolicy retention, PolicyRunResult result, CancellationToken ct)
    {
        try
        {
            var deleted = await BackupRetention.ApplyAsync(destination, result.Policy, retention, time.GetUtcNow(), ct).ConfigureAwait(false);
            var names = deleted.Select(d => d.Name).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count > 0)
            {
                logger.LogInformation("Retention deleted {Count} backup(s): {Backups}", names.Count, names);
                await Event(policy, EventRecorder.Normal, "RetentionApplied",
                    $"Retention deleted {names.Count} backup(s): {string.Join(", ", names)}").ConfigureAwait(false);
            }

            var count = (await BackupCatalog.ListAsync(destination, result.Policy, ct).ConfigureAwait(false)).Count(b => b.IsRestorable);
            return result with { DeletedBackups = names, BackupCount = count };
        }
        catch (Exception e)
        {
            // Also cancellation: the backup is written and recorded, so the run still reports success.
            logger.LogWarning("Retention failed: {Error}", e.Message);
            await Event(policy, EventRecorder.Warning, "RetentionFailed", $"Retention failed: {e.Message}").ConfigureAwait(false);
            return result with { RetentionError = e.Message };
        }
    }
}
