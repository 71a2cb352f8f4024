using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline;
using DBackup.Pipeline.Restore;
using DBackup.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Restore;

/// <summary>
/// Restores a backup into a cluster: resolve (<c>latest</c> or a name), verify everything, plan against the live
/// cluster, optionally validate with <c>dryRun=All</c> and stop, write a safety backup of what will be replaced,
/// tell the caller through <see cref="RestoreRequest.BeforeFirstWrite"/>, write in dependency order with bounded
/// parallelism (waiting for CRDs to be Established), and read every written object back. The operator's MetaBackupRestore reconciler, restore drills and <c>dbackup restore</c> all use it.
/// </summary>
/// <remarks>
/// Nothing is written unless the backup verified completely, the tenancy rule holds for every selected object and
/// the safety backup (when asked for) is stored. Problems with single objects never stop the others; they are
/// reported as failed items. Secret values never reach the result or the log.
/// </remarks>
/// <param name="api">The cluster.</param>
/// <param name="logger">Structured log (counts and names only); null for none.</param>
/// <param name="time">Clock; null for the system clock.</param>
public sealed class RestoreEngine(KubeApi api, ILogger<RestoreEngine>? logger = null, TimeProvider? time = null)
{
    /// <summary>Default writes in flight within one rank.</summary>
    public const int DefaultParallelism = 16;

    private readonly ILogger _log = logger ?? NullLogger<RestoreEngine>.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Runs one restore (or dry run). Whole-restore problems come back as a Failed result, not as exceptions.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; writes already made stay, and are not verified.</exception>
    public async Task<RestoreResult> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = _time.GetUtcNow();
        BackupInfo? info = null;
        bool writing = false, inHook = false;
        try
        {
            Validate(request);
            info = await BackupLoader.ResolveAsync(request, cancellationToken).ConfigureAwait(false);
            _log.LogInformation("Restoring backup {Backup} from {Location} (mode {Mode}, dry run {DryRun})", info.Name, request.Source.Location, request.Mode, request.DryRun);
            var phase = System.Diagnostics.Stopwatch.StartNew();
            var prepared = await BackupLoader.ReadAsync(request, info, o => RestorePlanBuilder.PrepareIfSelected(o, request.Selection), cancellationToken).ConfigureAwait(false);
            var plan = RestorePlanBuilder.Build(prepared, request.AllowedNamespace);
            prepared = null;
            _log.LogDebug("Backup {Backup} verified and {Objects} objects selected in {Milliseconds} ms", info.Name, plan.Count, phase.ElapsedMilliseconds);
            phase.Restart();
            await PlanAsync(plan, request, cancellationToken).ConfigureAwait(false);
            _log.LogDebug("Planned against the live cluster in {Milliseconds} ms", phase.ElapsedMilliseconds);

            string? safetyName = null, safetyKey = null;
            if (!request.DryRun && request.SafetyBackup is { } target)
            {
                var safety = await WriteSafetyBackupAsync(target, plan, cancellationToken).ConfigureAwait(false);
                (safetyName, safetyKey) = (safety?.Name, safety?.PayloadKey);
            }

            var creates = plan.Count(p => p.Action == RestoreAction.Create);
            var updates = plan.Count(p => p.Action == RestoreAction.Update);
            if (!request.DryRun && creates + updates > 0 && request.BeforeFirstWrite is { } beforeFirstWrite)
            {
                // The caller's own failure, not the restore's: it must reach the caller as it is (see BeforeFirstWrite).
                inHook = true;
                await beforeFirstWrite(new RestoreWriteStart(info.Name, safetyName, creates, updates), cancellationToken).ConfigureAwait(false);
                inHook = false;
            }

            writing = !request.DryRun;
            var writer = new RestoreWriter(api, request.Parallelism, request.CrdEstablishTimeout, _time);
            phase.Restart();
            await writer.WriteAsync(plan, request.DryRun, cancellationToken).ConfigureAwait(false);
            _log.LogDebug("Writes done in {Milliseconds} ms", phase.ElapsedMilliseconds);
            if (!request.DryRun)
            {
                phase.Restart();
                await new ReadBack(api, request.Parallelism).VerifyAsync(plan, cancellationToken).ConfigureAwait(false);
                _log.LogDebug("Read back in {Milliseconds} ms", phase.ElapsedMilliseconds);
            }

            return Finish(request, info, plan, safetyName, safetyKey, start);
        }
        catch (Exception e) when (!writing && !inHook && Classify(e) is { } kind)
        {
            _log.LogWarning("Restore failed before any write ({Kind}): {Reason}", kind, e.Message);
            return new RestoreResult
            {
                Outcome = RestoreOutcome.Failed, DryRun = request.DryRun, BackupName = info?.Name, BackupKey = info?.PayloadKey,
                Counts = new RestoreCounts(0, 0, 0, 0, 0), Items = [], FailureKind = kind, FailureReason = e.Message,
                StartTime = start, CompletionTime = _time.GetUtcNow(),
            };
        }
    }

    private async Task PlanAsync(List<PlannedObject> plan, RestoreRequest request, CancellationToken ct)
    {
        var open = plan.Where(p => !p.Decided).ToList();
        await new LiveObjects(api, request.Parallelism).LoadAsync(open, ct).ConfigureAwait(false);
        Parallel.ForEach(open, new ParallelOptions { CancellationToken = ct }, entry =>
        {
            // A missing object is created whatever it holds: no need to parse it.
            var decision = entry.Live is null
                ? RestoreDecision.Missing(entry.Redacted)
                : RestoreDecision.Decide(entry.ParseBody(), entry.ParseLive(), request.Mode == RestoreMode.Overwrite);
            entry.Set(decision.Action, decision.Reason);
            if (entry.Action != RestoreAction.Update)
            {
                // Only replaced objects need their live copy (for the safety backup and the update's resourceVersion).
                entry.Live = null;
            }
        });
    }

    private async Task<BackupResult?> WriteSafetyBackupAsync(SafetyBackupTarget target, List<PlannedObject> plan, CancellationToken ct)
    {
        try
        {
            var written = await SafetyBackupWriter.WriteAsync(target, plan, _time, ct).ConfigureAwait(false);
            if (written is not null)
            {
                _log.LogInformation("Safety backup {Backup} written to {Location}: {Objects} objects", written.Name, target.Destination.Location, written.Meta.Objects);
            }

            return written;
        }
        catch (Exception e) when (e is IOException or BackupStorageException or ArgumentException or UnauthorizedAccessException)
        {
            throw new RestoreRefusedException($"the safety backup could not be written to {target.Destination.Location}, so nothing was changed: {e.Message}", RestoreFailureKinds.SafetyBackupFailed);
        }
    }

    private RestoreResult Finish(RestoreRequest request, BackupInfo info, List<PlannedObject> plan, string? safetyName, string? safetyKey, DateTimeOffset start)
    {
        var items = plan.Where(p => !(p.ImplicitNamespace && p.Action is RestoreAction.Unchanged))
            .Select(p => p.ToResult()).OrderBy(i => i.Action == RestoreAction.Fail ? 0 : 1).ToList();
        var counts = RestoreCounts.Of(items);
        var allFailed = counts.Failed > 0 && counts.Failed == items.Count;
        var outcome = counts.Failed == 0 ? RestoreOutcome.Succeeded : allFailed ? RestoreOutcome.Failed : RestoreOutcome.PartiallyFailed;
        var needValues = plan.Where(p => p.Redacted && p.Action == RestoreAction.Create).Select(p => $"{p.Namespace}/{p.Name}").ToList();
        _log.LogInformation("Restore of {Backup} {Outcome}: {Created} created, {Updated} updated, {Unchanged} unchanged, {Skipped} skipped, {Failed} failed",
            info.Name, outcome, counts.Created, counts.Updated, counts.Unchanged, counts.Skipped, counts.Failed);
        return new RestoreResult
        {
            Outcome = outcome, DryRun = request.DryRun, BackupName = info.Name, BackupKey = info.PayloadKey, BackupNote = info.State == BackupState.MetaMissing ? info.Problem : null,
            SafetyBackupName = safetyName, SafetyBackupKey = safetyKey, Counts = counts, Items = items, SecretsNeedingValues = needValues,
            FailureKind = allFailed ? RestoreFailureKinds.AllObjectsFailed : null,
            FailureReason = allFailed ? $"every object failed; the first: {items[0].Display}: {items[0].Reason}" : null,
            StartTime = start, CompletionTime = _time.GetUtcNow(),
        };
    }

    private static void Validate(RestoreRequest request)
    {
        if (request.Parallelism is < 1 or > 64)
        {
            throw new ArgumentException($"parallelism must be between 1 and 64, not {request.Parallelism}");
        }

        request.Selection.Validate();
        if (request.SafetyBackup is { } target)
        {
            BackupName.ValidatePolicy(target.Folder);
        }
    }

    private static string? Classify(Exception e) => e switch
    {
        RestoreRefusedException refused => refused.Kind,
        BackupNotFoundException => RestoreFailureKinds.BackupNotFound,
        InvalidBackupException => RestoreFailureKinds.InvalidBackup,
        ArgumentException => RestoreFailureKinds.InvalidRequest,
        KubeApiException or HttpRequestException => RestoreFailureKinds.ClusterUnavailable,
        BackupStorageException or IOException => RestoreFailureKinds.BackupNotFound,
        _ => null,
    };
}
