using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using DBackup.Operator.Scheduling;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Controllers;

/// <summary>
/// Keeps a MetaBackupPolicy on its schedule: checks the spec (<c>Ready</c>), decides whether a run is due
/// (scheduled, one catch-up after downtime, or a new <c>dbackup.io/run-now</c> value), runs it through
/// <see cref="PolicyBackupRunner"/> within the operator-wide <see cref="BackupSlots"/>, records the result in
/// status, and asks to be woken at the next occurrence.
/// </summary>
/// <remarks>
/// No finalizer: backups outlive their policy, so deleting a policy never deletes what it wrote and needs no cleanup.
/// An occurrence skipped for being later than <c>startingDeadlineSeconds</c> becomes a <c>MissSchedule</c> Warning event.
/// </remarks>
/// <param name="runner">Runs the backups.</param>
/// <param name="options">Admin namespaces (tenancy).</param>
/// <param name="statusWriter">Writes status.</param>
/// <param name="slots">Operator-wide concurrency limit.</param>
/// <param name="time">Clock.</param>
/// <param name="logger">Log.</param>
/// <param name="events">Event recorder for <c>MissSchedule</c>; null records none (runs record their own through the runner).</param>
public sealed class MetaBackupPolicyReconciler(
    PolicyBackupRunner runner, PolicyBackupRunnerOptions options, StatusWriter statusWriter, BackupSlots slots, TimeProvider time, ILogger<MetaBackupPolicyReconciler> logger,
    EventRecorder? events = null)
    : IReconciler<MetaBackupPolicy>
{
    private readonly MissedScheduleReporter _missed = new(events, logger);

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(MetaBackupPolicy entity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var generation = entity.Metadata.Generation;
        if ((PolicySpecCheck.FirstProblem(entity.Spec) ?? TenancyProblem(entity)) is { } problem)
        {
            logger.LogWarning("MetaBackupPolicy {Namespace}/{Name} is not ready: {Reason}: {Message}", entity.Metadata.NamespaceProperty, entity.Metadata.Name, problem.Reason, problem.Message);
            await statusWriter.UpdateAsync(entity, (MetaBackupPolicyStatus s) =>
            {
                s.NextScheduleTime = null;
                return SetReady(s, Conditions.False, problem.Reason, problem.Message, generation, now);
            }, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done; // A spec change wakes the policy again.
        }

        Hosting.OperatorMetrics.RecordLastSuccess(entity.Metadata.NamespaceProperty, entity.Metadata.Name, entity.Status?.LastSuccessfulBackup);
        var schedule = PolicySchedule.For(entity.Spec);
        var decision = schedule.Decide(entity, now);
        if (decision.MissedTime is { } missed)
        {
            await _missed.ReportAsync(entity, missed, decision.NextScheduleTime, cancellationToken).ConfigureAwait(false);
        }

        PolicyRunResult? result = null;
        if (decision.ShouldRun)
        {
            using (await slots.AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                result = await runner.RunAsync(entity, new PolicyRunOptions { Trigger = decision.Trigger!, ScheduledTime = decision.ScheduledTime, RunNowValue = decision.RunNowValue }, cancellationToken).ConfigureAwait(false);
            }

            Hosting.OperatorMetrics.Record(result);

            now = time.GetUtcNow().UtcDateTime;
        }

        var suspended = entity.Spec.Suspend == true;
        var next = suspended ? null : schedule.NextAfter(now);
        var (reason, message) = suspended
            ? ("Suspended", "scheduled runs are paused (spec.suspend); manual runs still work")
            : ("Scheduled", $"next run at {next:yyyy-MM-ddTHH:mm:ssZ} ({entity.Spec.Schedule}, {schedule.TimeZone.Id})");
        await statusWriter.UpdateAsync(entity, (MetaBackupPolicyStatus s) =>
        {
            if (result is not null)
            {
                PolicyStatusUpdate.Apply(s, result, now);
            }

            s.NextScheduleTime = next;
            SetReady(s, Conditions.True, reason, message, generation, now);
            return result is not null;
        }, cancellationToken).ConfigureAwait(false);

        return next is { } due ? ReconcileResult.RequeueAfter(due > now ? due - now : TimeSpan.Zero) : ReconcileResult.Done;
    }

    /// <summary>A policy that asks for more than its namespace may have is not Ready, before any run is tried.</summary>
    private (string Reason, string Message)? TenancyProblem(MetaBackupPolicy entity)
    {
        try
        {
            PolicySources.From(entity, options.AdminNamespaces);
            return null;
        }
        catch (TenancyException e)
        {
            return (RunFailureReasons.TenancyViolation, e.Message);
        }
    }

    private static bool SetReady(MetaBackupPolicyStatus status, string value, string reason, string message, long? generation, DateTime now)
    {
        status.Conditions ??= [];
        return Conditions.Set(status.Conditions, Conditions.Build(ConditionTypes.Ready, value, reason, message, generation), now);
    }
}
