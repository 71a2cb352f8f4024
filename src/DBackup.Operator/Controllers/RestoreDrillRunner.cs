using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using k8s;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Controllers;

/// <summary>
/// One restore drill of a policy (DESIGN.md "Restore drills"): find the newest complete backup, check that the
/// profile holds its key, decrypt it and verify every checksum, and plan an Overwrite restore against the live
/// cluster with the server's <c>dryRun=All</c> — what a disaster recovery would do today, with nothing written.
/// </summary>
/// <remarks>
/// The plan is made under the policy's tenancy rule (outside admin namespaces only its own namespace), so a drill
/// never reads more of the cluster than the policy may. Failures never escape: they are the drill's result.
/// </remarks>
/// <param name="client">API client.</param>
/// <param name="options">Admin namespaces.</param>
/// <param name="time">Clock.</param>
/// <param name="logger">Structured log; never given Secret values.</param>
/// <param name="engineLogger">The restore engine's log (counts and names only).</param>
public sealed class RestoreDrillRunner(IKubernetes client, PolicyBackupRunnerOptions options, TimeProvider time, ILogger<RestoreDrillRunner> logger, ILogger<RestoreEngine> engineLogger)
{
    /// <summary>Result of a drill that proved the backup restorable.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>Result of a drill that found a problem.</summary>
    public const string Failed = "Failed";

    /// <summary>Reason of a drill whose dry-run plan has objects the server would reject.</summary>
    public const string PlanFailed = "PlanFailed";

    /// <summary>Runs one drill; the result has <c>backup</c>, <c>time</c>, <c>result</c>, <c>reason</c>, <c>message</c> and <c>objects</c>.</summary>
    /// <exception cref="OperationCanceledException">The drill was cancelled.</exception>
    public async Task<VerificationResult> RunAsync(MetaBackupPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var ns = policy.Metadata.NamespaceProperty ?? "default";
        using var scope = logger.BeginScope("{Kind} {Namespace}/{Name}", ApiGroup.MetaBackupPolicyKind, ns, policy.Metadata.Name);
        logger.LogInformation("Restore drill started");
        string? backupName = null;
        long? objects = null;
        try
        {
            using var source = await RestoreSource.OpenAsync(client, policy, cancellationToken).ConfigureAwait(false);
            var backup = await source.FindAsync(Pipeline.Storage.BackupCatalog.Latest, cancellationToken).ConfigureAwait(false);
            (backupName, objects) = (backup.Name, backup.Meta?.Objects);
            var api = new KubeApi(client as k8s.Kubernetes ?? throw new InvalidOperationException("a restore drill needs a k8s.Kubernetes client"), time);
            var result = await new RestoreEngine(api, engineLogger, time).RunAsync(new RestoreRequest
            {
                Source = source.Destination,
                Policy = source.Folder,
                Backup = backup.Name,
                Keys = source.Keys,
                Mode = RestoreMode.Overwrite,
                DryRun = true,
                AllowedNamespace = options.AdminNamespaces.Contains(ns) ? null : ns,
            }, cancellationToken).ConfigureAwait(false);
            return Describe(result, backup.Name, objects);
        }
        catch (RestoreSourceException e)
        {
            logger.LogWarning("Restore drill failed: {Reason}: {Message}", e.Reason, e.Message);
            return Result(backupName, objects, Failed, e.Reason, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Restore drill failed unexpectedly");
            return Result(backupName, objects, Failed, RestoreReasons.RestoreFailed, e.Message);
        }
    }

    private VerificationResult Describe(RestoreResult result, string backup, long? objects)
    {
        var c = result.Counts;
        if (result.Outcome == RestoreOutcome.Failed && result.Items.Count == 0)
        {
            var reason = result.FailureKind switch
            {
                RestoreFailureKinds.InvalidBackup => RestoreReasons.VerificationFailed,
                RestoreFailureKinds.BackupNotFound => RestoreReasons.BackupNotFound,
                RestoreFailureKinds.Tenancy => RestoreReasons.TenancyRefused,
                _ => RestoreReasons.RestoreFailed,
            };
            logger.LogWarning("Restore drill of {Backup} failed: {Reason}: {Message}", backup, reason, result.FailureReason);
            return Result(backup, objects, Failed, reason, result.FailureReason ?? "the backup could not be restored");
        }

        var plan = $"{c.Created} to create, {c.Updated} to update, {c.Unchanged} unchanged, {c.Skipped} skipped, {c.Failed} rejected";
        if (c.Failed > 0)
        {
            var first = result.Items.Where(i => i.Action == Pipeline.Restore.RestoreAction.Fail).Take(3).Select(i => $"{i.Display}: {i.Reason}");
            var message = $"backup {backup} verified, but the dry-run restore plan has {c.Failed} object(s) the cluster rejects ({plan}): {string.Join("; ", first)}";
            logger.LogWarning("Restore drill of {Backup} found {Failed} rejected object(s)", backup, c.Failed);
            return Result(backup, objects, Failed, PlanFailed, message);
        }

        logger.LogInformation("Restore drill of {Backup} succeeded: {Plan}", backup, plan);
        return Result(backup, objects, Succeeded, RestoreReasons.Succeeded,
            $"backup {backup} decrypted and every checksum verified; dry-run restore plan (Overwrite): {plan}");
    }

    private VerificationResult Result(string? backup, long? objects, string result, string reason, string message) => new()
    {
        Backup = backup,
        Time = StatusTime.Seconds(time.GetUtcNow().UtcDateTime),
        Result = result,
        Reason = reason,
        Message = message,
        Objects = objects,
    };
}
