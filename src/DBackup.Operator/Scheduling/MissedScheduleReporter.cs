using System.Collections.Concurrent;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Scheduling;

/// <summary>
/// Tells users when a scheduled run was skipped because it was more than <c>startingDeadlineSeconds</c> late (the
/// operator was down, or every slot was busy): a Warning event <c>MissSchedule</c>, as the CronJob controller records,
/// and a warning log line. Each missed occurrence is reported once per operator process, not on every reconcile.
/// </summary>
/// <param name="events">Event recorder, or null to record none (the log line is still written).</param>
/// <param name="logger">Structured log.</param>
/// <param name="eventTimeout">How long the event may take before it is given up (null: <see cref="EventRecorder.DefaultTimeout"/>),
/// so an unresponsive API server never holds the policy's reconcile.</param>
public sealed class MissedScheduleReporter(EventRecorder? events, ILogger logger, TimeSpan? eventTimeout = null)
{
    /// <summary>The event reason, the CronJob controller's.</summary>
    public const string Reason = "MissSchedule";

    private readonly ConcurrentDictionary<string, DateTime> _reported = new(StringComparer.Ordinal);

    /// <summary>Reports <paramref name="missed"/> for <paramref name="policy"/> unless it was reported already.</summary>
    /// <returns>Whether this call reported it.</returns>
    public async Task<bool> ReportAsync(MetaBackupPolicy policy, DateTime missed, DateTime? next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var key = policy.Metadata.Uid ?? $"{policy.Metadata.NamespaceProperty}/{policy.Metadata.Name}";
        if (_reported.TryGetValue(key, out var last) && last >= missed)
        {
            return false;
        }

        _reported[key] = missed;
        var deadline = policy.Spec.StartingDeadlineSeconds;
        var message = $"Missed scheduled time {missed:yyyy-MM-ddTHH:mm:ssZ}: more than {deadline} s late (spec.startingDeadlineSeconds), so it did not run"
            + (next is { } n ? $"; next run at {n:yyyy-MM-ddTHH:mm:ssZ}" : string.Empty);
        logger.LogWarning("MetaBackupPolicy {Namespace}/{Name}: {Message}", policy.Metadata.NamespaceProperty, policy.Metadata.Name, message);
        if (events is not null)
        {
            await events.TryRecordAsync(policy, EventRecorder.Warning, Reason, message, eventTimeout, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
