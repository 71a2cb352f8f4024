using System.Text;
using DBackup.DevCluster.Faults;
using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Scheduling;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.History;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Tests.Backups;

/// <summary>Policy runs against DevCluster over HTTP into a folder: results, files, history, events, failures.</summary>
public sealed class PolicyBackupRunnerTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>
{
    private const string Canary = "canary-value-7f3a91c2";

    [Fact]
    public async Task RunAsync_WritesBackupAndReportsIt_WhenDestinationIsAFolder()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        await world.ConfigMapAsync("feature-flags");
        var policy = await world.PolicyAsync();

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(ConditionReasons.Succeeded, result.Reason);
        Assert.Equal(2, result.Backup!.Objects);
        Assert.StartsWith("nightly-", result.Backup.Name, StringComparison.Ordinal);
        Assert.Equal(1, result.BackupCount);
        Assert.Null(result.KeyId);
        var payload = Path.Combine(world.Backups, result.PayloadKey!);
        Assert.True(File.Exists(payload));
        Assert.True(File.Exists(payload + BackupName.MetaSuffix));
        Assert.Equal(new FileInfo(payload).Length, result.Backup.SizeBytes);
        Assert.Equal(BackupTriggers.Schedule, BackupMeta.Parse(await File.ReadAllBytesAsync(payload + BackupName.MetaSuffix)).Trigger);
        var row = Assert.Single(await world.History.RecentBackupsAsync("nightly", 10, world.Namespace));
        Assert.Equal(ExecutionStatus.Succeeded, row.Status);
        Assert.Equal(result.Backup.Name, row.BackupName);
        Assert.Equal(result.HistoryId, row.Id);
        var events = await world.EventsAsync(policy);
        Assert.Equal(["BackupStarted", "BackupSucceeded"], events.Select(e => e.Reason));
        Assert.All(events, e => Assert.Equal("Normal", e.Type));
        Assert.Contains(result.Backup.Name, events[1].Message, StringComparison.Ordinal);
        Assert.Contains("2 objects", events[1].Message, StringComparison.Ordinal);
        Assert.Equal(ApiGroup.MetaBackupPolicyKind, events[1].InvolvedObject.Kind);
        Assert.Equal("dbackup-operator", events[1].Source.Component);
        var run = result.ToRun();
        Assert.Equal(PolicyRunResult.SucceededResult, run.Result);
        Assert.Equal(2, run.Objects);
    }

    [Theory]
    [InlineData(null, "fastest")]
    [InlineData(CompressionLevelName.Optimal, "optimal")]
    [InlineData(CompressionLevelName.Smallest, "smallest")]
    public async Task RunAsync_CompressesAtTheCrdDefaultLevel_UnlessThePolicyNamesOne(CompressionLevelName? level, string expected)
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        var policy = await world.PolicyAsync(spec => spec.Compression = level is null ? null : new CompressionSpec { Level = level });

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        var backup = Assert.Single(await BackupCatalog.ListAsync(new FilesystemDestination(world.Backups), policy.Metadata.Name, CancellationToken.None));
        Assert.Equal(("gzip", expected), (backup.Meta!.Compression.Algorithm, backup.Meta.Compression.Level));
    }

    [Fact]
    public async Task RunAsync_NeverExposesSecretValues_WhenSecretsAreIncludedAndEncrypted()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.SecretAsync("db", "password", Canary);
        var key = await world.ProfileAsync();
        var policy = await world.PolicyAsync(spec =>
        {
            spec.Sources[0].Kubernetes!.Resources = ["configmaps", "secrets"];
            spec.IncludeSecrets = true;
            spec.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
        });

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Manual, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(key.KeyId, result.KeyId);
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary));
        foreach (var file in world.Files(world.Backups))
        {
            var bytes = await File.ReadAllTextAsync(file, Encoding.Latin1);
            Assert.DoesNotContain(Canary, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(base64, bytes, StringComparison.Ordinal);
        }

        // The value is in the backup, only encrypted: reading it back with the key finds it.
        var reader = await BackupReader.FromDestinationAsync(new FilesystemDestination(world.Backups), result.PayloadKey!, new KeyRing(key));
        var found = false;
        await foreach (var o in reader.ReadObjectsAsync(CancellationToken.None))
        {
            found |= Encoding.UTF8.GetString(o.Json.Span).Contains(base64, StringComparison.Ordinal);
        }

        Assert.True(found, "the Secret value should be inside the encrypted backup");
        var events = string.Join('\n', (await world.EventsAsync(policy)).Select(e => e.Message));
        var history = string.Join('\n', (await world.History.RecentBackupsAsync("nightly", 10)).Select(h => h.ToString()));
        foreach (var text in new[] { events, history, result.ToString(), world.Logger.Text })
        {
            Assert.DoesNotContain(Canary, text, StringComparison.Ordinal);
            Assert.DoesNotContain(base64, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_RefusesAndWritesNothing_WhenSecretsAreIncludedWithoutProfile()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        var policy = await PolicyWithoutCelAsync(world, spec => spec.IncludeSecrets = true);

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(RunFailureReasons.SecretsRequireEncryption, result.Reason);
        Assert.Contains("includeSecrets requires encryptionProfileRef", result.Message, StringComparison.Ordinal);
        Assert.Empty(world.Files(world.Backups));
        Assert.Equal(PolicyRunResult.FailedResult, result.ToRun().Result);
        var failed = Assert.Single(await world.EventsAsync(policy), e => e.Reason == "BackupFailed");
        Assert.Equal("Warning", failed.Type);
        Assert.Equal(ExecutionStatus.Failed, Assert.Single(await world.History.RecentBackupsAsync("nightly", 10)).Status);
    }

    [Fact]
    public async Task RunAsync_FailsWithSecretNotFound_WhenProfileSecretIsMissing()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ProfileAsync(withSecret: false);
        var policy = await world.PolicyAsync(spec => spec.EncryptionProfileRef = new LocalObjectReference { Name = "main" });

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("SecretNotFound", result.Reason);
        Assert.Contains("backup-key", result.Message, StringComparison.Ordinal);
        Assert.Empty(world.Files(world.Backups));
    }

    [Fact]
    public async Task RunAsync_FailsWithTenancyMessage_WhenSourceReadsAnotherNamespace()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(spec => spec.Sources[0].Kubernetes!.Namespaces = ["kube-system"]);

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(RunFailureReasons.TenancyViolation, result.Reason);
        Assert.Contains("may only read its own namespace", result.Message, StringComparison.Ordinal);
        Assert.Empty(world.Files(world.Backups));
    }

    [Fact]
    public async Task RunAsync_KeepsTwoBackupsAndReportsDeletion_WhenKeepLastIsTwo()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        var policy = await world.PolicyAsync(spec => spec.Retention = new RetentionSpec { KeepLast = 2 });
        var results = new List<PolicyRunResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None));
            world.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        Assert.Equal([results[0].Backup!.Name], results[2].DeletedBackups);
        Assert.Equal(2, results[2].BackupCount);
        var left = await BackupCatalog.ListAsync(new FilesystemDestination(world.Backups), "nightly", CancellationToken.None);
        Assert.Equal([results[2].Backup!.Name, results[1].Backup!.Name], left.Select(b => b.Name));
        var retention = Assert.Single(await world.EventsAsync(policy), e => e.Reason == "RetentionApplied");
        Assert.Contains(results[0].Backup!.Name, retention.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DeletesBackupsOlderThanMaxAge_ButKeepsTheNewest()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        var policy = await world.PolicyAsync(spec => spec.Retention = new RetentionSpec { MaxAge = "1h" });
        var first = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(30));
        var second = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(45));

        var third = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.Empty(second.DeletedBackups);
        Assert.Equal([first.Backup!.Name], third.DeletedBackups);
        Assert.Equal(2, third.BackupCount);
    }

    [Fact]
    public async Task RunAsync_WritesPlainTar_WhenCompressionIsNone()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        var policy = await world.PolicyAsync(spec => spec.Compression = new CompressionSpec { Algorithm = CompressionAlgorithm.None });

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.EndsWith(".tar", result.PayloadKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LeavesNoMetaAndNoTempFiles_WhenCancelledDuringCollection()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        await world.SecretAsync("db", "password", "x");
        var policy = await world.PolicyAsync(spec => spec.Sources[0].Kubernetes!.Resources = ["configmaps", "secrets"]);
        var slow = FaultRule.Delay(TimeSpan.FromSeconds(5), $"/api/v1/namespaces/{world.Namespace}/secrets*", "GET");
        using var registration = cluster.Cluster.Faults.Add(slow);
        using var cts = new CancellationTokenSource();

        var run = world.Runner.RunAsync(policy, BackupTriggers.Schedule, cts.Token);
        await Eventually.TrueAsync(() => slow.Matched > 0, "the Secret list to start");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.DoesNotContain(world.Files(world.Backups), f => f.EndsWith(BackupName.MetaSuffix, StringComparison.Ordinal));
        Assert.Empty(world.Files(world.Backups));
        Assert.Empty(world.Files(world.TempDirectory));
        var row = Assert.Single(await world.History.RecentBackupsAsync("nightly", 10));
        Assert.NotEqual(ExecutionStatus.Succeeded, row.Status);
    }

    [Fact]
    public async Task RunAsync_Succeeds_WhenTheApiServerFailsTransiently()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        var policy = await world.PolicyAsync();
        var flaky = new FaultRule { Method = "GET", PathPattern = $"/api/v1/namespaces/{world.Namespace}/configmaps*", StatusCode = 500, Times = 2 };
        using var registration = cluster.Cluster.Faults.Add(flaky);

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(2, flaky.Fired);
        Assert.Equal(1, result.Backup!.Objects);
    }

    [Fact]
    public async Task RunAsync_FailsWithCollectionFailed_AndWritesNothing_WhenTheApiServerRefusesAList()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        var policy = await world.PolicyAsync();
        using var registration = cluster.Cluster.Faults.Add(FaultRule.Status(403, pathPattern: $"/api/v1/namespaces/{world.Namespace}/configmaps*", method: "GET"));

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(RunFailureReasons.CollectionFailed, result.Reason);
        Assert.Contains($"/api/v1/namespaces/{world.Namespace}/configmaps", result.Message, StringComparison.Ordinal);
        Assert.Empty(world.Files(world.Backups));
        Assert.Empty(world.Files(world.TempDirectory));
        Assert.Contains(await world.EventsAsync(policy), e => e.Reason == "BackupFailed");
    }

    [Fact]
    public async Task RunAsync_FailsWithInvalidSpec_WhenMaxAgeDoesNotParse()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = Some.Policy(name: "nightly", @namespace: world.Namespace);
        policy.Spec.Retention = new RetentionSpec { MaxAge = "a week" };

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.Equal(RunFailureReasons.InvalidSpec, result.Reason);
        Assert.Contains("retention.maxAge", result.Message, StringComparison.Ordinal);
    }

    /// <summary>A policy the CRD's CEL rule would reject (DevCluster does not run CEL): built in memory, with an identity for events.</summary>
    private static async Task<MetaBackupPolicy> PolicyWithoutCelAsync(RunnerWorld world, Action<MetaBackupPolicySpec> change)
    {
        var stored = await world.PolicyAsync();
        change(stored.Spec);
        return stored;
    }
}
