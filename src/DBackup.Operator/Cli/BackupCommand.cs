using System.CommandLine;
using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Manifests;
using DBackup.Operator.Scheduling;
using DBackup.Pipeline.Storage;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup backup --policy F.yaml</c>: one backup from a MetaBackupPolicy manifest, run by the same
/// <see cref="PolicyBackupRunner"/> the operator uses, with the caller's kubeconfig. The caller's RBAC, not the
/// operator's tenancy rule, limits what is read, so the policy counts as one in an admin namespace. The run gets a row in
/// the execution history (<c>--data-dir</c>) and, when the policy exists in the cluster, Events on it
/// (<see cref="BackupCommandReporting"/>).
/// </summary>
internal static class BackupCommand
{
    private const string SecretsNeedKey = "--include-secrets needs --key-file, DBACKUP_KEY or the policy's encryptionProfileRef: Secret values must not be written unencrypted";

    public static Command Create(CliContext context)
    {
        var policyFile = new Option<string>("--policy") { Description = "MetaBackupPolicy manifest (YAML or JSON)", Required = true, HelpName = "F.yaml" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file (default: KUBECONFIG, ~/.kube/config or in-cluster)", HelpName = "F" };
        var dest = new Option<string?>("--dest") { Description = "Write here instead of the policy's destination: folder or s3://bucket/prefix", HelpName = "DEST" };
        var keys = KeyOptions.Create(description: "Encrypt with this key file instead of the policy's EncryptionProfileRef (default: DBACKUP_KEY)");
        var includeSecrets = new Option<bool>("--include-secrets") { Description = "Keep Secret values (refused without a key); default: the policy's includeSecrets" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of the execution history (history.db); default: $XDG_STATE_HOME/dbackup or ~/.local/state/dbackup", HelpName = "D" };
        var noEvents = new Option<bool>("--no-events") { Description = "Record no Kubernetes Events, even when the policy exists in the cluster" };
        var command = new Command("backup", "Take one backup as a MetaBackupPolicy manifest describes, from the cluster of a kubeconfig")
        {
            policyFile, kubeconfig, dest, keys, includeSecrets, dataDir, noEvents,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var file = parse.GetRequiredValue(policyFile);
            var policy = ReadPolicy(file);
            var ring = KeyOptions.Load(context, parse.GetValue(keys));
            if (parse.GetValue(includeSecrets))
            {
                policy.Spec.IncludeSecrets = true;
            }

            if (policy.Spec.IncludeSecrets == true && ring.Current is null && policy.Spec.EncryptionProfileRef is null)
            {
                throw CliException.Usage(SecretsNeedKey);
            }

            var config = ClusterConnection.Connect(parse.GetValue(kubeconfig));
            policy.Metadata.NamespaceProperty ??= config.Namespace ?? "default";
            var destination = parse.GetValue(dest) is { } target ? Locations.Destination(context, parse, target, create: true) : null;
            try
            {
                using var client = new k8s.Kubernetes(config);
                var history = await BackupCommandReporting.OpenHistoryAsync(context, parse.GetValue(dataDir), ct).ConfigureAwait(false);
                (EventRecorder? events, string eventsNote) = parse.GetValue(noEvents) ? (null, "none (--no-events)") : await BackupCommandReporting.EventsForAsync(client, policy, ct).ConfigureAwait(false);
                var runner = new PolicyBackupRunner(client, new PolicyBackupRunnerOptions(), history, events, TimeProvider.System, NullLogger<PolicyBackupRunner>.Instance);
                var result = await runner.RunAsync(policy, new PolicyRunOptions
                {
                    Trigger = BackupTriggers.Cli,
                    Destination = destination,
                    Keys = ring.Current is null ? null : ring,
                    Admin = true,
                }, ct).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    throw new CliException($"backup of {policy.Metadata.NamespaceProperty}/{policy.Metadata.Name} failed ({result.Reason}): {result.Message}");
                }

                Print(context, policy, result);
                context.Out.WriteLine($"  history:    {(history is null ? "none" : $"{history.DatabasePath}{(result.HistoryId is { } id ? $" (run {id})" : string.Empty)}")}");
                context.Out.WriteLine($"  events:     {eventsNote}");
                return ExitCodes.Ok;
            }
            finally
            {
                (destination as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    private static MetaBackupPolicy ReadPolicy(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file}: {e.Message}");
        }

        MetaBackupPolicy policy;
        try
        {
            policy = StrictManifest.Read<MetaBackupPolicy>(file, text);
        }
        catch (ManifestException e)
        {
            throw CliException.Usage($"{file} is not a valid MetaBackupPolicy manifest: {e.Message.ReplaceLineEndings(" ")}");
        }

        if (policy is null || policy.Kind != ApiGroup.MetaBackupPolicyKind || policy.ApiVersion != ApiGroup.ApiVersion)
        {
            throw CliException.Usage($"{file} is not a MetaBackupPolicy ({ApiGroup.ApiVersion}) manifest");
        }

        if (string.IsNullOrEmpty(policy.Metadata?.Name))
        {
            throw CliException.Usage($"{file}: metadata.name is required");
        }

        return policy;
    }

    private static void Print(CliContext context, MetaBackupPolicy policy, PolicyRunResult result)
    {
        var backup = result.Backup!;
        context.Out.WriteLine($"Backed up {backup.Objects} objects for MetaBackupPolicy {policy.Metadata.NamespaceProperty}/{policy.Metadata.Name} into {result.Location}");
        context.Out.WriteLine($"  backup:     {result.PayloadKey}");
        context.Out.WriteLine($"  objects:    {backup.Objects}");
        context.Out.WriteLine($"  size:       {Output.Size(backup.SizeBytes ?? 0)} ({backup.SizeBytes} bytes)");
        context.Out.WriteLine($"  sha256:     {backup.Sha256}");
        context.Out.WriteLine($"  encryption: {(result.KeyId is { } keyId ? $"AES-256-GCM, keyId {keyId}" : "none")}");
        if (result.DeletedBackups.Count > 0)
        {
            context.Out.WriteLine($"  retention:  deleted {string.Join(", ", result.DeletedBackups)}");
        }

        if (result.RetentionError is { } error)
        {
            context.Warn($"retention failed: {error}");
        }
    }
}
