using System.IO.Compression;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.History;
using DBackup.Pipeline.Retention;
using DBackup.Pipeline.Storage;
using k8s;
using Microsoft.Extensions.Logging;
using PipelineCompression = DBackup.Pipeline.Compression.CompressionAlgorithm;

namespace DBackup.Operator.Backups;

/// <summary>
/// Runs one backup of a MetaBackupPolicy: checks the spec, loads the profile key, builds the destination,
/// collects the sources under the tenancy rule, writes the archive, applies retention, and reports through
/// history, events and logs. The reconciler calls it on schedule and on run-now; <c>dbackup backup</c> calls it once.
/// </summary>
/// <remarks>
/// Failures never escape <see cref="RunAsync(MetaBackupPolicy, PolicyRunOptions, CancellationToken)"/>: they become a
/// failed <see cref="PolicyRunResult"/> with a CamelCase reason. Only cancellation is thrown, after the history row is
/// marked failed; the pipeline guarantees that a cancelled run leaves no meta.json and no temp files.
/// </remarks>
/// <param name="client">API client (a <see cref="k8s.Kubernetes"/>, whose HTTP pipeline collection reuses).</param>
/// <param name="options">Admin namespaces, temp folder, cluster name.</param>
/// <param name="history">Execution history, or null to keep none.</param>
/// <param name="events">Event recorder, or null to record none.</param>
/// <param name="time">Clock for timestamps and retention.</param>
/// <param name="logger">Structured log; never given secret values.</param>
public sealed partial class PolicyBackupRunner(
    IKubernetes client, PolicyBackupRunnerOptions options, ExecutionHistory? history, EventRecorder? events, TimeProvider time, ILogger<PolicyBackupRunner> logger)
{
    /// <summary>Runs one backup with <paramref name="trigger"/>.</summary>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public Task<PolicyRunResult> RunAsync(MetaBackupPolicy policy, string trigger, CancellationToken cancellationToken) =>
        RunAsync(policy, new PolicyRunOptions { Trigger = trigger }, cancellationToken);

    /// <summary>Runs one backup as <paramref name="run"/> says.</summary>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public async Task<PolicyRunResult> RunAsync(MetaBackupPolicy policy, PolicyRunOptions run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(run);
        var name = policy.Metadata.Name;
        var ns = policy.Metadata.NamespaceProperty ?? "default";
        var start = time.GetUtcNow();
        var location = run.Destination?.Location ?? BackupDestinations.Describe(policy.Spec.Destination);
        var result = new PolicyRunResult
        {
            Succeeded = false, Policy = name, Namespace = ns, Generation = policy.Metadata.Generation, Trigger = run.Trigger,
            ScheduledTime = run.ScheduledTime, RunNowValue = run.RunNowValue, StartTime = start.UtcDateTime, CompletionTime = start.UtcDateTime,
            Location = location, Reason = RunFailureReasons.BackupFailed, Message = string.Empty,
        };
        using var scope = logger.BeginScope("{Kind} {Namespace}/{Name}", ApiGroup.MetaBackupPolicyKind, ns, name);
        logger.LogInformation("Backup run started ({Trigger}) to {Location}", run.Trigger, location);
        var historyId = await StartHistoryAsync(name, ns, location, run.Trigger, start).ConfigureAwait(false);
        result = result with { HistoryId = historyId };
        await Event(policy, EventRecorder.Normal, "BackupStarted", $"Backup started ({run.Trigger}) to {location}").ConfigureAwait(false);

        string? secretToHide = null;
        IBackupDestination? owned = null;
        try
        {
            var (retention, keys) = await PrepareAsync(policy, ns, run, cancellationToken).ConfigureAwait(false);
            var destination = run.Destination ?? (owned = await BackupDestinations.CreateAsync(client, ns, policy.Spec.Destination, cancellationToken).ConfigureAwait(false));
            secretToHide = (destination as S3Destination)?.Options.SecretKey;
            var admin = run.Admin ? options.AdminNamespaces.Append(ns).ToList() : options.AdminNamespaces;
            var sources = PolicySources.From(policy, admin);
            var stats = new CollectionStats();
            var includeSecrets = policy.Spec.IncludeSecrets == true;
            var request = new BackupRequest
            {
                Policy = name,
                Trigger = run.Trigger,
                Cluster = options.ClusterName ?? (client as k8s.Kubernetes)?.BaseUri.ToString(),
                Key = keys.Current,
                ProfileName = run.Keys is null ? policy.Spec.EncryptionProfileRef?.Name : null,
                IncludesSecrets = includeSecrets,
                Compression = policy.Spec.Compression?.Algorithm == CompressionAlgorithm.None ? PipelineCompression.None : PipelineCompression.Gzip,
                CompressionLevel = Level(policy.Spec.Compression?.Level),
                TempDirectory = options.TempDirectory,
                CreatedAt = time.GetUtcNow(),
            };
            var api = new KubeApi(client as k8s.Kubernetes ?? throw new InvalidOperationException("the runner needs a k8s.Kubernetes client for collection"));
            var written = await new BackupPipeline(time).WriteAsync(request, new ObjectCollector(api).CollectAsync(sources, includeSecrets, stats, cancellationToken), destination, cancellationToken)
                .ConfigureAwait(false);

            var meta = written.Meta;
            var done = time.GetUtcNow();
            var summary = new BackupSummary
            {
                Name = written.Name, Time = (meta.CompletedAt ?? done).UtcDateTime, SizeBytes = meta.Sizes.PayloadBytes,
                Objects = meta.Objects, Sha256 = meta.Sha256, DurationSeconds = Math.Round(written.Duration.TotalSeconds, 3),
            };
            var message = $"Backup {written.Name} written: {meta.Objects} objects, {meta.Sizes.PayloadBytes} bytes{(meta.Encryption.Enabled ? $", encrypted with keyId {meta.Encryption.KeyId}" : string.Empty)}";
            result = result with
            {
                Succeeded = true, Backup = summary, PayloadKey = written.PayloadKey, Location = destination.Location, KeyId = meta.Encryption.KeyId,
                Reason = ConditionReasons.Succeeded, Message = message, Stats = stats,
            };
            await CompleteHistoryAsync(historyId, written, done).ConfigureAwait(false);
            logger.LogInformation("Backup {Backup} written: {Objects} objects, {Bytes} bytes, sha256 {Sha256}", written.Name, meta.Objects, meta.Sizes.PayloadBytes, meta.Sha256);
            await Event(policy, EventRecorder.Normal, "BackupSucceeded", message).ConfigureAwait(false);
            result = await RetainAsync(policy, destination, retention, result, cancellationToken).ConfigureAwait(false);
            return result with { CompletionTime = time.GetUtcNow().UtcDateTime };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !result.Succeeded)
        {
            logger.LogWarning("Backup run cancelled");
            await FailHistoryAsync(historyId, "The run was cancelled.").ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (!result.Succeeded)
        {
            var (reason, message) = Describe(e);
            message = Hide(message, secretToHide);
            logger.LogWarning("Backup run failed: {Reason}: {Message}", reason, message);
            await FailHistoryAsync(historyId, message).ConfigureAwait(false);
            await Event(policy, EventRecorder.Warning, "BackupFailed", $"{reason}: {message}").ConfigureAwait(false);
            return result with { Reason = reason, Message = message, CompletionTime = time.GetUtcNow().UtcDateTime };
        }
        finally
        {
            (owned as IDisposable)?.Dispose();
        }
    }

    /// <summary>Checks the spec and loads the key: everything that can fail before a byte is read.</summary>
    private async Task<(RetentionPolicy Retention, KeyRing Keys)> PrepareAsync(MetaBackupPolicy policy, string ns, PolicyRunOptions run, CancellationToken ct)
    {
        var spec = policy.Spec;
        var profile = spec.EncryptionProfileRef?.Name;
        if (PolicySpecCheck.FirstProblem(spec, keyGiven: run.Keys?.Current is not null, destinationGiven: run.Destination is not null, checkSchedule: false) is { } problem)
        {
            throw new BackupRunException(problem.Reason, problem.Message);
        }

        TimeSpan? maxAge = string.IsNullOrWhiteSpace(spec.Retention?.MaxAge) ? null : RetentionDuration.Parse(spec.Retention.MaxAge);
        var keys = run.Keys is { Current: not null } ? run.Keys
            : string.IsNullOrEmpty(profile) ? KeyRing.Empty
            : await EncryptionProfileKeys.LoadAsync(client, ns, profile, ct).ConfigureAwait(false);
        return (new RetentionPolicy { KeepLast = spec.Retention?.KeepLast, MaxAge = maxAge }, keys);
    }

    /// <summary>The CRD's default, <c>fastest</c>, when the policy names no level (bench/results/backup.md).</summary>
    private static CompressionLevel Level(CompressionLevelName? level) => level switch
    {
        CompressionLevelName.Optimal => CompressionLevel.Optimal,
        CompressionLevelName.Smallest => CompressionLevel.SmallestSize,
        _ => CompressionLevel.Fastest,
    };

    private static (string Reason, string Message) Describe(Exception e) => e switch
    {
        BackupRunException run => (run.Reason, run.Message),
        ProfileKeyException key => (key.Reason, key.Message),
        TenancyException tenancy => (RunFailureReasons.TenancyViolation, tenancy.Message),
        KubeApiException api => (RunFailureReasons.CollectionFailed, api.Message),

        // Unknown or ambiguous resource names, invalid policy names: the spec asks for something that cannot be.
        ArgumentException arg => (RunFailureReasons.InvalidSpec, arg.Message.Split(" (Parameter", 2)[0]),
        BackupStorageException or IOException or UnauthorizedAccessException => (RunFailureReasons.StorageFailed, e.Message),
        _ => (RunFailureReasons.BackupFailed, e.Message),
    };

    private static string Hide(string message, string? secret) =>
        string.IsNullOrEmpty(secret) ? message : message.Replace(secret, "***", StringComparison.Ordinal);
}
