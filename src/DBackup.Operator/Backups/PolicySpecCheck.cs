using DBackup.Operator.Entities;
using DBackup.Operator.Scheduling;

namespace DBackup.Operator.Backups;

/// <summary>
/// The checks that make a policy not Ready before any run: schedule and time zone, secrets without
/// encryption, destination, sources, retention. The CRD's schema and CEL rules catch most of these at
/// admission; the operator repeats them because CEL can be off (older clusters, DevCluster) and because
/// a condition tells the user what is wrong where an admission error is easily lost in a GitOps log.
/// </summary>
public static class PolicySpecCheck
{
    /// <summary>Returns the first problem as (condition reason, message), or null when the spec is usable.</summary>
    /// <param name="spec">The policy spec.</param>
    /// <param name="keyGiven">A key comes from elsewhere (the CLI's --key-file), so no profile is needed.</param>
    /// <param name="destinationGiven">A destination comes from elsewhere (the CLI's --dest).</param>
    /// <param name="checkSchedule">Whether the schedule matters (not for a one-off CLI run).</param>
    public static (string Reason, string Message)? FirstProblem(MetaBackupPolicySpec spec, bool keyGiven = false, bool destinationGiven = false, bool checkSchedule = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (checkSchedule && !PolicySchedule.TryParse(spec.Schedule, spec.TimeZone, out _, out var scheduleError))
        {
            return (scheduleError!.Reason, scheduleError.Message);
        }

        if (spec.IncludeSecrets == true && !keyGiven && string.IsNullOrEmpty(spec.EncryptionProfileRef?.Name))
        {
            return (RunFailureReasons.SecretsRequireEncryption, "includeSecrets requires encryptionProfileRef: Secret values are never written unencrypted");
        }

        if (!destinationGiven && BackupDestinations.Problem(spec.Destination) is { } destinationProblem)
        {
            return (RunFailureReasons.InvalidDestination, destinationProblem);
        }

        if (spec.Sources.Count == 0 || spec.Sources.Any(s => s.Kubernetes is null))
        {
            return (RunFailureReasons.InvalidSpec, "every source needs a name and a kind (kubernetes)");
        }

        if (spec.Retention?.KeepLast is < 1)
        {
            return (RunFailureReasons.InvalidSpec, "retention.keepLast must be at least 1");
        }

        if (!string.IsNullOrWhiteSpace(spec.Retention?.MaxAge))
        {
            try
            {
                RetentionDuration.Parse(spec.Retention.MaxAge);
            }
            catch (FormatException e)
            {
                return (RunFailureReasons.InvalidSpec, $"retention.maxAge: {e.Message}");
            }
        }

        return null;
    }
}
