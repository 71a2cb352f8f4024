using System.Diagnostics;
using System.Globalization;
using DBackup.Operator.Entities;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Demo;

/// <summary>
/// <c>dbackup demo</c>: on a machine with no cluster, start DevCluster, install the CRDs and samples, run the
/// operator in this process, and let it do the work through custom resources — an EncryptionProfileRef, a
/// MetaBackupPolicy triggered with <c>dbackup.io/run-now</c>, a MetaBackupRestore into a second namespace —
/// while the story tells what happened. Secret values never appear in it.
/// </summary>
internal sealed class DemoStory(TextWriter output)
{
    /// <summary>Runs the story in <paramref name="folder"/>; returns the running cluster and operator so the caller decides when to stop them.</summary>
    public async Task<DemoSession> RunAsync(string folder, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folder);
        var backups = Path.Combine(folder, "backups");
        var keyFile = Path.Combine(folder, "backup.key");

        output.WriteLine("DBackup demo: a configuration backup and restore, start to finish, with no real cluster needed.");
        output.WriteLine();
        var cluster = await DevCluster.DevCluster.StartAsync(new DevCluster.DevClusterOptions { KubeconfigPath = Path.Combine(folder, "kubeconfig") }, ct).ConfigureAwait(false);
        DemoOperator? @operator = null;
        try
        {
            var client = cluster.Client;
            Step(1, "Dev cluster", $"{cluster.Url} (an in-process Kubernetes API emulator; kubeconfig {cluster.KubeconfigPath})");

            var crds = await Crds.EmbeddedCrds.InstallAsync(client, ct).ConfigureAwait(false);
            Step(2, "CRDs installed", $"{string.Join(", ", crds)} ({ApiGroup.ApiVersion})");

            var samples = await DemoSamples.InstallAsync(client, DemoSamples.FindFolder(), ct).ConfigureAwait(false);
            TellSamples(samples);

            await DemoWorld.CreateNamespaceAsync(client, DemoWorld.AdminNamespace, ct).ConfigureAwait(false);
            @operator = await DemoOperator.StartAsync(cluster.KubeconfigPath, folder, cluster.Url.ToString(), ct).ConfigureAwait(false);
            Step(4, "Operator", $"running in this process, as `dbackup operator` runs in a pod (admin namespace '{DemoWorld.AdminNamespace}'; log {@operator.LogPath})");

            var (configMaps, secrets) = await DemoWorld.CreateApplicationAsync(client, ct).ConfigureAwait(false);
            Step(5, "Application", $"namespace '{DemoWorld.Namespace}': {configMaps} ConfigMaps, {secrets} Secrets");

            var key = EncryptionKey.Generate();
            Cli.KeygenCommand.WriteKeyFile(keyFile, key.ToFileText(), force: false);
            await DemoWorld.CreateProfileAsync(client, key, ct).ConfigureAwait(false);
            var keyId = await DemoWait.ForAsync<EncryptionProfileRef, string>(
                client, ApiGroup.EncryptionProfileRefPlural, DemoWorld.ProfileName,
                p => Conditions.IsTrue(p.Status?.Conditions, ConditionTypes.Ready) ? p.Status!.KeyId : null,
                p => Conditions.Find(p.Status?.Conditions, ConditionTypes.Ready) is { Status: Conditions.False } c ? $"{c.Reason}: {c.Message}" : null,
                p => DemoWait.Conditions(p.Status?.Conditions), ct).ConfigureAwait(false);
            Step(6, "Backup key", $"{keyFile}, in Secret {DemoWorld.AdminNamespace}/{DemoWorld.ProfileName}; EncryptionProfileRef '{DemoWorld.ProfileName}' is Ready with keyId {keyId}");

            var policy = await DemoWorld.CreatePolicyAsync(client, backups, ct).ConfigureAwait(false);
            Step(7, "Policy", $"MetaBackupPolicy {DemoWorld.AdminNamespace}/{DemoWorld.PolicyName}: namespace '{DemoWorld.Namespace}', ConfigMaps and Secrets, includeSecrets, encrypted, '{policy.Spec.Schedule}' {policy.Spec.TimeZone}, to {backups}");

            await DemoWorld.RunNowAsync(client, "demo", ct).ConfigureAwait(false);
            var written = await DemoWait.ForAsync<MetaBackupPolicy, BackupSummary>(
                client, ApiGroup.MetaBackupPolicyPlural, DemoWorld.PolicyName,
                p => p.Status?.LastSuccessfulBackup,
                p => FailedRun(p),
                p => DemoWait.Conditions(p.Status?.Conditions), ct).ConfigureAwait(false);
            var stored = await BackupCatalog.FindAsync(new FilesystemDestination(backups), DemoWorld.PolicyName, written.Name, ct).ConfigureAwait(false);
            Step(8, "Backup", $"{ApiGroup.RunNowAnnotation}=demo made the operator write {written.Name}: {written.Objects} objects, {written.SizeBytes:N0} bytes, AES-256-GCM with keyId {stored.Meta?.Encryption.KeyId ?? "(none)"} (from its meta.json)");
            Detail($"file   {Path.Combine(backups, stored.PayloadKey)}");
            Detail($"sha256 {written.Sha256}");

            await DemoWorld.CreateRestoreAsync(client, written.Name, ct).ConfigureAwait(false);
            var restored = await DemoWait.ForAsync<MetaBackupRestore, MetaBackupRestoreStatus>(
                client, ApiGroup.MetaBackupRestorePlural, DemoWorld.RestoreName,
                r => MetaBackupRestoreStatus.IsTerminal(r.Status?.Phase) ? r.Status : null,
                _ => null,
                r => $"phase {r.Status?.Phase?.ToString() ?? "none"}; {DemoWait.Conditions(r.Status?.Conditions)}", ct).ConfigureAwait(false);
            TellRestore(restored);

            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Story told in {clock.Elapsed.TotalSeconds:F1} s. Look around:"));
            output.WriteLine($"  kubectl --kubeconfig {cluster.KubeconfigPath} get dbackup -A");
            output.WriteLine($"  kubectl --kubeconfig {cluster.KubeconfigPath} -n {DemoWorld.AdminNamespace} describe mbp {DemoWorld.PolicyName}");
            output.WriteLine($"  kubectl --kubeconfig {cluster.KubeconfigPath} -n {DemoWorld.RestoreNamespace} get configmaps,secrets");
            output.WriteLine($"  kubectl --kubeconfig {cluster.KubeconfigPath} -n {DemoWorld.AdminNamespace} annotate mbp {DemoWorld.PolicyName} {ApiGroup.RunNowAnnotation}=again --overwrite");
            output.WriteLine($"  dbackup inspect {Path.Combine(backups, stored.PayloadKey)} --key-file {keyFile}");
            output.WriteLine($"  curl -s {@operator.MetricsUrl} | grep ^dbackup_");
            if (restored.Phase != RestorePhase.Succeeded)
            {
                throw new InvalidOperationException($"the demo restore ended {restored.Phase} (details above)");
            }

            return new DemoSession(cluster, @operator);
        }
        catch
        {
            await new DemoSession(cluster, @operator).DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string? FailedRun(MetaBackupPolicy policy)
    {
        var conditions = policy.Status?.Conditions;
        if (Conditions.Find(conditions, ConditionTypes.BackupSucceeded) is { Status: Conditions.False } run)
        {
            return $"the backup failed: {run.Reason}: {run.Message}";
        }

        return Conditions.Find(conditions, ConditionTypes.Ready) is { Status: Conditions.False } ready ? $"not Ready: {ready.Reason}: {ready.Message}" : null;
    }

    private void TellSamples(DemoSamples.Result samples)
    {
        if (samples.Folder is null)
        {
            Step(3, "Samples", "none: config/samples is not next to this build (run the demo from a checkout to see them)");
            return;
        }

        var leftOut = string.Join(", ", samples.LeftOut.Select(k => $"{k.Value} {k.Key}"));
        Step(3, "Samples", $"{samples.Installed.Count} MetaBackupPolicies from {samples.Folder}, installed suspended and without restore drills (their buckets and volumes do not exist here): {string.Join(", ", samples.Installed)}");
        Detail($"left out: {leftOut} (the demo makes its own key; a restore runs once, at once)");
    }

    private void TellRestore(MetaBackupRestoreStatus status)
    {
        var s = status.Summary ?? new RestoreSummary();
        Step(9, "Restore", $"MetaBackupRestore {DemoWorld.AdminNamespace}/{DemoWorld.RestoreName} (namespaceMapping {DemoWorld.Namespace} -> {DemoWorld.RestoreNamespace}, Merge): {status.Phase}");
        Detail($"{s.Created} created, {s.Updated} updated, {s.Unchanged} unchanged, {s.Skipped} skipped, {s.Failed} failed; verified before writing, every object read back");
        if (status.SafetyBackupName is { } safety)
        {
            Detail($"safety backup of the objects it was about to change: {safety}");
        }

        foreach (var item in (status.Items ?? []).Where(i => i.Action == "fail"))
        {
            Detail($"FAILED {item.Resource} {item.Namespace}/{item.Name}: {item.Reason}");
        }

        if (status.Phase != RestorePhase.Succeeded && Conditions.Find(status.Conditions, ConditionTypes.Failed) is { } failed)
        {
            Detail($"{failed.Reason}: {failed.Message}");
        }
    }

    private void Step(int number, string title, string text) => output.WriteLine($"{number}. {title,-15} {text}");

    private void Detail(string text) => output.WriteLine($"   {string.Empty,-15} {text}");
}
