using DBackup.Operator.Tests.Cli;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Storage;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Backups;

/// <summary><c>dbackup backup --policy F.yaml</c> end to end against DevCluster through its kubeconfig.</summary>
public sealed class BackupCommandTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>, IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Backup_WritesOneBackupIntoDest_WhenPolicyManifestIsGiven()
    {
        var ns = await ApplicationAsync();
        var policy = WritePolicy(ns, "/nonexistent/ignored-because-of-dest");
        var dest = _cli.PathOf("backups");

        var run = await _cli.RunOkAsync("backup", "--policy", policy, "--kubeconfig", cluster.Cluster.KubeconfigPath, "--dest", dest);

        var backup = Assert.Single(await BackupCatalog.ListAsync(new FilesystemDestination(dest), "nightly", CancellationToken.None));
        Assert.True(backup.IsRestorable);
        Assert.Equal("cli", backup.Meta!.Trigger);
        Assert.Equal(3, backup.Meta.Objects);
        Assert.False(backup.Meta.IncludesSecrets);
        Assert.Contains(backup.PayloadKey, run.Out, StringComparison.Ordinal);
        Assert.Contains($"sha256:     {backup.Meta.Sha256}", run.Out, StringComparison.Ordinal);
        Assert.Contains("encryption: none", run.Out, StringComparison.Ordinal);
        Assert.Contains(dest, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_UsesPolicyDestinationAndKeyFile_WhenSecretsAreIncluded()
    {
        var ns = await ApplicationAsync();
        var folder = _cli.PathOf("from-policy");
        var policy = WritePolicy(ns, folder);
        var (key, keyId) = await _cli.KeygenAsync("k.key");

        var run = await _cli.RunOkAsync("backup", "--policy", policy, "--kubeconfig", cluster.Cluster.KubeconfigPath, "--key-file", key, "--include-secrets");

        var backup = Assert.Single(await BackupCatalog.ListAsync(new FilesystemDestination(folder), "nightly", CancellationToken.None));
        Assert.True(backup.Meta!.IncludesSecrets);
        Assert.Equal(keyId, backup.Meta.Encryption.KeyId);
        Assert.Equal(3, backup.Meta.Objects);
        Assert.Contains($"keyId {keyId}", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_RefusesWithUsageError_WhenSecretsAreIncludedWithoutKey()
    {
        var ns = await ApplicationAsync();
        var policy = WritePolicy(ns, _cli.PathOf("out"));

        var run = await _cli.RunAsync("backup", "--policy", policy, "--kubeconfig", cluster.Cluster.KubeconfigPath, "--include-secrets");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("dbackup: --include-secrets needs --key-file", run.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.PathOf("out")));
    }

    [Fact]
    public async Task Backup_FailsWithOneLine_WhenManifestIsNotAPolicy()
    {
        var file = _cli.Write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");

        var run = await _cli.RunAsync("backup", "--policy", file, "--kubeconfig", cluster.Cluster.KubeconfigPath);

        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("dbackup: ", run.Err, StringComparison.Ordinal);
        Assert.Single(run.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Backup_EncryptsWithTheProfileInTheCluster_WhenNoKeyFileIsGiven()
    {
        var ns = await ApplicationAsync();
        var key = DBackup.Pipeline.Encryption.EncryptionKey.Generate();
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "backup-key" }, StringData = new Dictionary<string, string> { ["key"] = key.ToFileText() } }, ns);
        await Objects.CreateAsync(cluster.Client, ns, Some.Profile(name: "main", secret: "backup-key"));
        var folder = _cli.PathOf("enc");
        var policy = _cli.Write("p.yaml", File.ReadAllText(WritePolicy(ns, folder)) + "\n  includeSecrets: true\n  encryptionProfileRef:\n    name: main\n");

        var run = await _cli.RunOkAsync("backup", "--policy", policy, "--kubeconfig", cluster.Cluster.KubeconfigPath);

        var backup = Assert.Single(await BackupCatalog.ListAsync(new FilesystemDestination(folder), "nightly", CancellationToken.None));
        Assert.Equal((key.KeyId, "main", true), (backup.Meta!.Encryption.KeyId, backup.Meta.Encryption.Profile, backup.Meta.IncludesSecrets));
        Assert.Contains($"keyId {key.KeyId}", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_ExitsWithUsageError_WhenManifestHasUnknownFields()
    {
        var ns = await ApplicationAsync();
        var policy = _cli.Write("p.yaml", File.ReadAllText(WritePolicy(ns, _cli.PathOf("out"))) + "\n  colour: blue\n");

        var run = await _cli.RunAsync("backup", "--policy", policy, "--kubeconfig", cluster.Cluster.KubeconfigPath);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("dbackup: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("not a valid MetaBackupPolicy", run.Err, StringComparison.Ordinal);
        Assert.Contains("colour", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_ExitsWithFailure_WhenTheRunFails()
    {
        var ns = await ApplicationAsync();
        var policy = WritePolicy(ns, _cli.PathOf("out"), resources: "no-such-things");

        var run = await _cli.RunAsync("backup", "--policy", policy, "--kubeconfig", cluster.Cluster.KubeconfigPath);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("failed (InvalidSpec)", run.Err, StringComparison.Ordinal);
        Assert.Contains("no-such-things", run.Err, StringComparison.Ordinal);
        Assert.Empty(await BackupCatalog.ListAsync(new FilesystemDestination(_cli.PathOf("out")), "nightly", CancellationToken.None));
    }

    [Fact]
    public async Task Backup_RecordsAHistoryRowAndEventsOnTheLivePolicy_WhenThePolicyExistsInTheCluster()
    {
        var ns = await ApplicationAsync();
        var policyFile = WritePolicy(ns, "/nonexistent/ignored-because-of-dest");
        var live = Some.Policy(name: "nightly", @namespace: ns);
        live = await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync<DBackup.Operator.Entities.MetaBackupPolicy>(
            live, DBackup.Operator.Entities.ApiGroup.Group, DBackup.Operator.Entities.ApiGroup.Version, ns, DBackup.Operator.Entities.ApiGroup.MetaBackupPolicyPlural);
        var data = _cli.PathOf("data");

        var run = await _cli.RunOkAsync("backup", "--policy", policyFile, "--kubeconfig", cluster.Cluster.KubeconfigPath, "--dest", _cli.PathOf("backups"), "--data-dir", data);

        var history = await DBackup.Pipeline.History.ExecutionHistory.OpenAsync(DBackup.Pipeline.History.ExecutionHistory.DefaultPath(data));
        var row = Assert.Single(await history.RecentBackupsAsync("nightly", 10, ns));
        Assert.Equal(DBackup.Pipeline.History.ExecutionStatus.Succeeded, row.Status);
        Assert.Equal("cli", row.TriggeredBy);
        Assert.Contains($"(run {row.Id})", run.Out, StringComparison.Ordinal);
        var events = (await cluster.Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.InvolvedObject.Uid == live.Metadata.Uid).ToList();
        Assert.Equal(["BackupStarted", "BackupSucceeded"], events.Select(e => e.Reason).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal("dbackup-cli", e.ReportingInstance));
        Assert.Contains($"events:     recorded on MetaBackupPolicy {ns}/nightly", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_RecordsNoEventsAndUsesTheDefaultHistoryFolder_WhenThePolicyIsOnlyAFile()
    {
        var ns = await ApplicationAsync();
        _cli.Environment["XDG_STATE_HOME"] = _cli.PathOf("state");

        var run = await _cli.RunOkAsync("backup", "--policy", WritePolicy(ns, "/nonexistent/x"), "--kubeconfig", cluster.Cluster.KubeconfigPath, "--dest", _cli.PathOf("backups"));

        var path = Path.Combine(_cli.PathOf("state"), "dbackup", "history.db");
        var history = await DBackup.Pipeline.History.ExecutionHistory.OpenAsync(path);
        Assert.Single(await history.RecentBackupsAsync("nightly", 10, ns));
        Assert.DoesNotContain((await cluster.Client.CoreV1.ListNamespacedEventAsync(ns)).Items, e => e.InvolvedObject.Name == "nightly");
        Assert.Contains($"events:     none (no MetaBackupPolicy {ns}/nightly in the cluster)", run.Out, StringComparison.Ordinal);
        Assert.Contains($"history:    {path}", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_FailsBeforeReadingAnything_WhenTheGivenDataDirCannotHoldTheHistory()
    {
        var ns = await ApplicationAsync();
        var notAFolder = _cli.Write("file-not-folder", "x");

        var run = await _cli.RunAsync("backup", "--policy", WritePolicy(ns, "/nonexistent/x"), "--kubeconfig", cluster.Cluster.KubeconfigPath, "--dest", _cli.PathOf("backups"), "--data-dir", notAFolder);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot use the execution history", run.Err, StringComparison.Ordinal);
        Assert.Empty(await BackupCatalog.ListAsync(new FilesystemDestination(_cli.PathOf("backups")), "nightly", CancellationToken.None));
    }

    private async Task<string> ApplicationAsync()
    {
        var ns = await cluster.NamespaceAsync();
        foreach (var name in new[] { "app-config", "flags" })
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["k"] = "v" } }, ns);
        }

        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "db" }, StringData = new Dictionary<string, string> { ["password"] = "pw" } }, ns);
        return ns;
    }

    private string WritePolicy(string ns, string path, string resources = "configmaps, secrets") => _cli.Write("policy.yaml", $"""
        apiVersion: dbackup.io/v1alpha1
        kind: MetaBackupPolicy
        metadata:
          name: nightly
          namespace: {ns}
        spec:
          schedule: "0 3 * * *"
          sources:
            - name: app
              kubernetes:
                resources: [{resources}]
          destination:
            filesystem:
              path: {path}
        """);
}
