using DBackup.Operator.Entities;
using DBackup.Operator.Hosting;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using DBackup.Operator.Scheduling;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Controllers;

/// <summary>
/// Runs the restore drills of MetaBackupPolicies on <c>spec.verify.schedule</c> (cron in the policy's
/// <c>timeZone</c>, with the CronJob semantics of <see cref="PolicySchedule"/>: at most one catch-up after
/// downtime) and on each new <c>dbackup.io/verify-now</c> value, and records <c>status.lastVerification</c>,
/// the <c>Verified</c> condition, an Event and metrics.
/// </summary>
/// <remarks>
/// It is a second controller on MetaBackupPolicy beside <see cref="MetaBackupPolicyReconciler"/>, so that a long
/// drill never delays a backup. Both write status through <see cref="StatusWriter"/>, which re-reads and re-applies
/// the change on a 409, and each touches only its own fields: neither erases what the other wrote.
/// </remarks>
/// <param name="runner">Runs one drill.</param>
/// <param name="statusWriter">Writes status under optimistic concurrency.</param>
/// <param name="slots">Operator-wide run slots shared with backups and restores.</param>
/// <param name="events">Event recorder, or null to record none.</param>
/// <param name="time">Clock.</param>
/// <param name="logger">Structured log.</param>
public sealed class RestoreDrillReconciler(
    RestoreDrillRunner runner, StatusWriter statusWriter, BackupSlots slots, EventRecorder? events, TimeProvider time, ILogger<RestoreDrillReconciler> logger)
    : IReconciler<MetaBackupPolicy>
{
    /// <summary>Annotation whose every new value runs one restore drill now.</summary>
    public const string VerifyNowAnnotation = ApiGroup.Group + "/verify-now";

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(MetaBackupPolicy entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.Spec.Verify is not { } verify)
        {
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var generation = entity.Metadata.Generation;
        if (!PolicySchedule.TryParse(verify.Schedule, entity.Spec.TimeZone, out var schedule, out var error))
        {
            logger.LogWarning("MetaBackupPolicy {Namespace}/{Name}: spec.verify.schedule is not usable: {Message}", entity.Metadata.NamespaceProperty, entity.Metadata.Name, error!.Message);
            await SetVerifiedAsync(entity, Conditions.False, error.Reason, $"spec.verify: {error.Message}", generation, now, null, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done; // A spec change wakes the policy again.
        }

        var last = entity.Status?.LastVerification;
        var decision = schedule!.Decide(now, last?.ScheduledTime ?? last?.Time, entity.Metadata.CreationTimestamp ?? now, startingDeadlineSeconds: null, suspend: false);
        var verifyNow = entity.Metadata.Annotations?.TryGetValue(VerifyNowAnnotation, out var value) == true && !string.IsNullOrEmpty(value) ? value : null;
        var manual = verifyNow is not null && !string.Equals(verifyNow, last?.VerifyNow, StringComparison.Ordinal);
        if (manual || decision.ShouldRun)
        {
            VerificationResult result;
            using (await slots.AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                result = await runner.RunAsync(entity, cancellationToken).ConfigureAwait(false);
            }

            result.Trigger = manual ? BackupTriggers.Manual : BackupTriggers.Schedule;
            result.ScheduledTime = decision.ScheduledTime ?? last?.ScheduledTime ?? StatusTime.Seconds(now);
            result.VerifyNow = manual ? verifyNow : last?.VerifyNow;
            await RecordAsync(entity, result, cancellationToken).ConfigureAwait(false);
            now = time.GetUtcNow().UtcDateTime;
        }

        var next = schedule.NextAfter(now);
        return next is { } due ? ReconcileResult.RequeueAfter(due > now ? due - now : TimeSpan.Zero) : ReconcileResult.Done;
    }

    /// <inheritdoc />
    public Task FinalizeAsync(MetaBackupPolicy entity, CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RecordAsync(MetaBackupPolicy entity, VerificationResult result, CancellationToken cancellationToken)
    {
        var ok = result.Result == RestoreDrillRunner.Succeeded;
        var ns = entity.Metadata.NamespaceProperty ?? "default";
        OperatorMetrics.RecordVerification(ns, entity.Metadata.Name, ok, result.Time ?? time.GetUtcNow().UtcDateTime);
        await SetVerifiedAsync(entity, ok ? Conditions.True : Conditions.False, result.Reason ?? result.Result ?? RestoreDrillRunner.Failed,
            result.Message ?? string.Empty, entity.Metadata.Generation, result.Time ?? time.GetUtcNow().UtcDateTime, result, cancellationToken).ConfigureAwait(false);
        if (events is not null)
        {
            // The drill is over: its event goes out even while stopping (no token), bounded by the recorder's timeout.
            await events.TryRecordAsync(entity, ok ? EventRecorder.Normal : EventRecorder.Warning, ok ? "VerificationSucceeded" : "VerificationFailed",
                ok ? result.Message ?? "restore drill succeeded" : $"{result.Reason}: {result.Message}").ConfigureAwait(false);
        }
    }

    private Task SetVerifiedAsync(MetaBackupPolicy entity, string value, string reason, string message, long? generation, DateTime now, VerificationResult? result, CancellationToken ct)
    {
        // status.observedGeneration belongs to the policy reconciler (it says the Ready condition is current): a copy
        // without a generation makes the writer leave it as stored, also after a 409 re-read. The server ignores
        // metadata in a /status write, so the copy changes nothing else.
        var copy = CustomResourceClient.DeepCopy(entity);
        copy.Metadata.Generation = null;
        return statusWriter.UpdateAsync(copy, (MetaBackupPolicyStatus s) =>
        {
            // Only our own fields: the policy reconciler owns everything else, and a 409 re-runs this on its latest write.
            var changed = result is not null;
            if (result is not null)
            {
                s.LastVerification = result;
            }

            s.Conditions ??= [];
            changed |= Conditions.Set(s.Conditions, Conditions.Build(ConditionTypes.Verified, value, reason, message, generation), now);
            return changed;
        }, ct);
    }
}
