using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using DBackup.Pipeline.Restore;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Controllers;

/// <summary>The working part of a restore: source, engine, and the status along the way.</summary>
public sealed partial class MetaBackupRestoreReconciler
{
    /// <summary>Runs the restore; every failure becomes a Failed outcome. Only cancellation is thrown.</summary>
    private async Task<RestoreRunOutcome> RunAsync(MetaBackupRestore entity, CancellationToken cancellationToken)
    {
        var ns = entity.Metadata.NamespaceProperty ?? "default";
        var spec = entity.Spec;
        var dryRun = spec.DryRun == true;
        var start = time.GetUtcNow().UtcDateTime;
        using var scope = logger.BeginScope("{Kind} {Namespace}/{Name}", ApiGroup.MetaBackupRestoreKind, ns, entity.Metadata.Name);
        entity = await SetRunningAsync(entity, RestoreReasons.Verifying, "opening the source and verifying the backup; nothing has been written", backup: null, cancellationToken).ConfigureAwait(false);
        string? historyId = null;
        try
        {
            using var source = await RestoreSource.OpenAsync(client, entity, cancellationToken).ConfigureAwait(false);
            var backup = await source.FindAsync(spec.Backup, cancellationToken).ConfigureAwait(false);
            historyId = await StartHistoryAsync(entity, backup.Name, source.Destination.Location, start).ConfigureAwait(false);
            logger.LogInformation("Restore started: backup {Backup} from {Location}, mode {Mode}, dry run {DryRun}", backup.Name, source.Destination.Location, spec.Mode ?? RestoreMode.Merge, dryRun);
            await EventAsync(entity, EventRecorder.Normal, "RestoreStarted",
                $"{(dryRun ? "Dry run" : "Restore")} of backup {backup.Name} from {source.Destination.Location} started (mode {spec.Mode ?? RestoreMode.Merge})").ConfigureAwait(false);

            entity = await SetRunningAsync(entity, RestoreReasons.Verifying,
                dryRun ? $"planning backup {backup.Name} against the cluster (dry run: nothing is written)" : $"verifying backup {backup.Name} and planning it against the cluster; nothing has been written yet",
                backup.Name, cancellationToken).ConfigureAwait(false);

            // Before the engine writes, status must say so: an operator that dies from then on leaves a restore that
            // must not be re-run blindly (see MarkInterruptedAsync). One that dies before this call had written nothing
            // and is simply run again. A failed status write here throws out of the engine before its first write.
            var request = BuildRequest(entity, source, backup.Name) with
            {
                BeforeFirstWrite = dryRun ? null : async (writes, ct) =>
                    entity = await SetRunningAsync(entity, RestoreReasons.Applying, ApplyingMessage(writes), writes.BackupName, ct, writes.SafetyBackupName).ConfigureAwait(false),
            };
            var api = new KubeApi(client as k8s.Kubernetes ?? throw new InvalidOperationException("the restore needs a k8s.Kubernetes client"), time);
            var result = await new RestoreEngine(api, engineLogger, time).RunAsync(request, cancellationToken).ConfigureAwait(false);
            var outcome = ToOutcome(entity, result, start);
            await CompleteHistoryAsync(historyId, outcome).ConfigureAwait(false);
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Restore cancelled: the operator is stopping");
            await FailHistoryAsync(historyId, "the operator stopped during the restore").ConfigureAwait(false);
            throw;
        }
        catch (RestoreSourceException source)
        {
            historyId ??= await StartHistoryAsync(entity, spec.Backup ?? Pipeline.Storage.BackupCatalog.Latest, "(not opened)", start).ConfigureAwait(false);
            await FailHistoryAsync(historyId, $"{source.Reason}: {source.Message}").ConfigureAwait(false);
            return RestoreRunOutcome.Failure(entity, source.Reason, source.Message, start, time.GetUtcNow().UtcDateTime);
        }
        catch (Exception e)
        {
            // A bug or an unexpected API error: reported on the restore (which stays one-shot), with the full error in the log.
            logger.LogError(e, "Restore failed unexpectedly");
            await FailHistoryAsync(historyId, e.Message).ConfigureAwait(false);
            return RestoreRunOutcome.Failure(entity, RestoreReasons.RestoreFailed, e.Message, start, time.GetUtcNow().UtcDateTime);
        }
    }

    private async Task<MetaBackupRestore> SetRunningAsync(MetaBackupRestore entity, string reason, string message, string? backup, CancellationToken ct, string? safetyBackup = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await statusWriter.UpdateAsync(entity, (MetaBackupRestoreStatus s) =>
        {
            s.BackupName = backup ?? s.BackupName;
            s.SafetyBackupName = safetyBackup ?? s.SafetyBackupName;
            s.SetRunning(reason, message, entity.Metadata.Generation, now);
            return true;
        }, ct).ConfigureAwait(false);
    }

    private static string ApplyingMessage(RestoreWriteStart writes) =>
        $"restoring backup {writes.BackupName} ({writes.Creates} to create, {writes.Updates} to update): objects may change from now on"
        + (writes.SafetyBackupName is { } safety ? $"; safety backup {safety} holds the objects it replaces" : string.Empty);

    private RestoreRequest BuildRequest(MetaBackupRestore entity, RestoreSource source, string backup)
    {
        var spec = entity.Spec;
        var ns = entity.Metadata.NamespaceProperty ?? "default";
        var dryRun = spec.DryRun == true;
        return new RestoreRequest
        {
            Source = source.Destination,
            Policy = source.Folder,
            Backup = backup,
            Keys = source.Keys,
            Mode = spec.Mode ?? RestoreMode.Merge,
            DryRun = dryRun,
            Selection = new RestoreSelection
            {
                Components = spec.Components ?? [],
                IncludeResources = spec.IncludeResources ?? [],
                ExcludeResources = spec.ExcludeResources ?? [],
                IncludeNamespaces = spec.IncludeNamespaces ?? [],
                NamespaceMapping = spec.NamespaceMapping ?? [],
            },
            AllowedNamespace = options.AdminNamespaces.Contains(ns) ? null : ns,
            SafetyBackup = dryRun || spec.SafetyBackup == false ? null : new SafetyBackupTarget
            {
                Destination = source.Destination,
                Key = source.Keys.Current,
                ProfileName = source.Profile,
                Cluster = options.ClusterName,
                TempDirectory = options.TempDirectory,
            },
        };
    }

    private static RestoreRunOutcome ToOutcome(MetaBackupRestore entity, RestoreResult result, DateTime start)
    {
        var items = result.Items.Select(i => new RestoreItem
        {
            Resource = i.Resource, Namespace = i.Namespace, Name = i.Name, Action = i.Action.Word(), Reason = i.Reason,
        }).ToList();
        var c = result.Counts;
        var summary = new RestoreSummary { Created = c.Created, Updated = c.Updated, Unchanged = c.Unchanged, Skipped = c.Skipped, Failed = c.Failed };
        var end = result.CompletionTime.UtcDateTime;
        if (result.Outcome == RestoreOutcome.Failed)
        {
            var reason = FailureReason(result.FailureKind);
            return RestoreRunOutcome.Failure(entity, reason, result.FailureReason ?? "the restore failed", start, end) with
            {
                BackupName = result.BackupName,
                SafetyBackupName = result.SafetyBackupName,
                Summary = items.Count > 0 ? summary : null,
                Items = items,
            };
        }

        return new RestoreRunOutcome
        {
            Entity = entity,
            Phase = result.Outcome == RestoreOutcome.PartiallyFailed ? RestorePhase.PartiallyFailed : RestorePhase.Succeeded,
            Reason = result.Outcome == RestoreOutcome.PartiallyFailed ? RestoreReasons.PartiallyFailed : RestoreReasons.Succeeded,
            Message = Describe(result, items.Count),
            Summary = summary,
            Items = items,
            BackupName = result.BackupName,
            SafetyBackupName = result.SafetyBackupName,
            DryRun = result.DryRun,
            Start = start,
            End = end,
        };
    }

    private static string Describe(RestoreResult result, int itemCount)
    {
        var c = result.Counts;
        var text = result.DryRun
            ? $"Dry run of backup {result.BackupName}: would create {c.Created}, update {c.Updated}, skip {c.Skipped}; {c.Unchanged} unchanged, {c.Failed} failed validation; nothing was written"
            : $"Restored backup {result.BackupName}: {c.Created} created, {c.Updated} updated, {c.Unchanged} unchanged, {c.Skipped} skipped, {c.Failed} failed";
        if (result.SafetyBackupName is { } safety)
        {
            text += $"; safety backup {safety}";
        }

        if (result.SecretsNeedingValues.Count > 0)
        {
            text += $"; Secrets created with placeholder values (set real values): {string.Join(", ", result.SecretsNeedingValues.Take(10))}{(result.SecretsNeedingValues.Count > 10 ? " …" : string.Empty)}";
        }

        if (itemCount > MetaBackupRestoreStatus.MaxItems)
        {
            text += $"; status shows {MetaBackupRestoreStatus.MaxItems} of {itemCount} items (failures first), the full list is in the operator's history";
        }

        return text;
    }

    private static string FailureReason(string? kind) => kind switch
    {
        RestoreFailureKinds.BackupNotFound => RestoreReasons.BackupNotFound,
        RestoreFailureKinds.InvalidBackup => RestoreReasons.VerificationFailed,
        RestoreFailureKinds.Tenancy => RestoreReasons.TenancyRefused,
        RestoreFailureKinds.InvalidRequest => RestoreReasons.InvalidSpec,
        RestoreFailureKinds.SafetyBackupFailed => RestoreReasons.SafetyBackupFailed,
        RestoreFailureKinds.AllObjectsFailed => RestoreReasons.AllObjectsFailed,
        _ => RestoreReasons.RestoreFailed,
    };
}
