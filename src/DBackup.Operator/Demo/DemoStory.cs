using System.Diagnostics;
using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Scheduling;
using DBackup.Pipeline;
using DBackup.Operator.Restore;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Restore;
using DBackup.Pipeline.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Demo;

/// <summary>
/// <c>dbackup demo</c>: on a machine with no cluster, start DevCluster, install the CRDs, create an
/// application, take an encrypted backup with the same collection and pipeline code a policy run
/// uses, verify it, restore it into a second namespace, and tell the story.
/// </summary>
internal sealed class DemoStory(TextWriter output)
{
    /// <summary>Runs the story in <paramref name="folder"/>; returns the running cluster so the caller decides when to stop it.</summary>
    public async Task<DevCluster.DevCluster> RunAsync(string folder, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folder);
        var backups = Path.Combine(folder, "backups");
        var keyFile = Path.Combine(folder, "backup.key");

        output.WriteLine("DBackup demo: a configuration backup and restore, start to finish, with no real cluster needed.");
        output.WriteLine();
        var cluster = await DevCluster.DevCluster.StartAsync(new DevCluster.DevClusterOptions { KubeconfigPath = Path.Combine(folder, "kubeconfig") }, ct).ConfigureAwait(false);
        try
        {
            var client = cluster.Client;
            var api = new KubeApi((k8s.Kubernetes)client);
            Step(1, "Dev cluster", $"{cluster.Url} (an in-process Kubernetes API emulator; kubeconfig {cluster.KubeconfigPath})");

            var crds = await Crds.EmbeddedCrds.InstallAsync(client, ct).ConfigureAwait(false);
            Step(2, "CRDs installed", $"{string.Join(", ", crds)} ({ApiGroup.ApiVersion})");

            var appObjects = await DemoWorld.CreateApplicationAsync(client, ct).ConfigureAwait(false);
            var key = EncryptionKey.Generate();
            Cli.KeygenCommand.WriteKeyFile(keyFile, key.ToFileText(), force: false);
            await DemoWorld.CreateProfileAsync(client, key, ct).ConfigureAwait(false);
            var policy = await DemoWorld.CreatePolicyAsync(client, backups, ct).ConfigureAwait(false);
            Step(3, "Application", $"namespace '{DemoWorld.Namespace}': {appObjects - 2} ConfigMaps, 2 Secrets");
            Step(4, "Backup key", $"{keyFile} (keyId {key.KeyId}), in Secret {DemoWorld.Namespace}/{DemoWorld.ProfileName}, used by EncryptionProfileRef '{DemoWorld.ProfileName}'");
            Step(5, "Policy", $"MetaBackupPolicy '{policy.Metadata.Name}': '{policy.Spec.Schedule}' {policy.Spec.TimeZone}, includeSecrets, encrypted, to {backups}");

            // The same run a schedule or run-now takes: keys from the profile, sources under the tenancy rule, collect, write, retain.
            var runner = new PolicyBackupRunner(client, new PolicyBackupRunnerOptions { ClusterName = cluster.Url.ToString() }, null, null, TimeProvider.System, NullLogger<PolicyBackupRunner>.Instance);
            var run = await runner.RunAsync(policy, BackupTriggers.Manual, ct).ConfigureAwait(false);
            if (!run.Succeeded || run.Backup is not { } written || run.PayloadKey is not { } payloadKey || run.Stats is not { } stats)
            {
                throw new InvalidOperationException($"the demo backup failed ({run.Reason}): {run.Message}");
            }

            Step(6, "Backup written", $"{written.Name}: {written.Objects} objects, {written.SizeBytes:N0} bytes, AES-256-GCM with keyId {run.KeyId}");
            Detail($"file   {Path.Combine(backups, payloadKey)}");
            Detail($"sha256 {written.Sha256}");
            foreach (var (reason, count) in stats.SkippedByReason)
            {
                Detail($"left out {count}: {reason}");
            }

            var keys = await EncryptionProfileKeys.LoadAsync(client, DemoWorld.Namespace, DemoWorld.ProfileName, ct).ConfigureAwait(false);
            var destination = new FilesystemDestination(backups);
            var reader = await BackupReader.FromDestinationAsync(destination, payloadKey, keys, cancellationToken: ct).ConfigureAwait(false);
            var verification = await reader.VerifyAsync(ct).ConfigureAwait(false);
            Step(7, "Verified", $"decrypted, decompressed, {verification.Objects} objects and every SHA-256 checked against the manifest");

            var restore = await new RestoreEngine(api).RunAsync(new RestoreRequest
            {
                Source = destination,
                Policy = policy.Metadata.Name,
                Backup = written.Name,
                Keys = keys,
                Mode = RestoreMode.Merge,
                Selection = new RestoreSelection { NamespaceMapping = new Dictionary<string, string> { [DemoWorld.Namespace] = DemoWorld.RestoreNamespace } },
            }, ct).ConfigureAwait(false);
            var counts = restore.Counts;
            Step(8, "Restored", $"into namespace '{DemoWorld.RestoreNamespace}': {counts.Created} created, {counts.Unchanged} unchanged, {counts.Skipped} skipped, {counts.Failed} failed; each object read back and compared");
            foreach (var failure in restore.Items.Where(o => o.Action == RestoreAction.Fail))
            {
                Detail($"FAILED {failure.Display}: {failure.Reason}");
            }

            if (restore.FailureReason is { } whole)
            {
                Detail($"FAILED {whole}");
            }

            output.WriteLine();
            output.WriteLine($"Story told in {clock.Elapsed.TotalSeconds:F1} s. Look around:");
            output.WriteLine($"  kubectl --kubeconfig {cluster.KubeconfigPath} get configmaps,secrets -n {DemoWorld.RestoreNamespace}");
            output.WriteLine($"  kubectl --kubeconfig {cluster.KubeconfigPath} get dbackup -n {DemoWorld.Namespace}");
            output.WriteLine($"  dbackup inspect {Path.Combine(backups, payloadKey)} --key-file {keyFile}");
            output.WriteLine($"  dbackup export {Path.Combine(backups, payloadKey)} --key-file {keyFile} --out {Path.Combine(folder, "export")}");
            if (restore.Outcome != RestoreOutcome.Succeeded)
            {
                throw new InvalidOperationException("the demo restore had failures (listed above)");
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Step(int number, string title, string text) => output.WriteLine($"{number}. {title,-15} {text}");

    private void Detail(string text) => output.WriteLine($"   {string.Empty,-15} {text}");
}
