using DBackup.Operator.Entities;
using DBackup.Operator.Restore;
using DBackup.Operator.Scheduling;
using DBackup.Operator.Tests.Backups;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Restore;
using DBackup.Pipeline.Storage;
using DBackup.Pipeline.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Restore;

/// <summary>Disaster recovery: a real policy run backs a namespace up, the namespace is deleted, the engine brings it back.</summary>
[Collection(S3rverCollection.Name)]
public sealed class RestoreDisasterTests(OperatorClusterFixture fx, S3rverFixture s3) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task Run_RestoresDeletedNamespace_EveryObjectEqualAfterNormalisation()
    {
        await using var world = await RunnerWorld.CreateAsync(fx);
        using var w = await RestoreWorld.CreateAsync(fx);
        var key = await world.ProfileAsync();
        for (var i = 0; i < 5; i++)
        {
            await world.ConfigMapAsync($"config-{i}", $"value-{i}");
        }

        await world.SecretAsync("db", "password", "canary-dr-1f9a");
        var policy = await world.PolicyAsync(spec =>
        {
            spec.IncludeSecrets = true;
            spec.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
            spec.Sources = [new BackupSource { Name = "app", Kubernetes = new KubernetesSource { Resources = ["configmaps", "secrets"] } }];
        });
        var run = await world.Runner.RunAsync(policy, BackupTriggers.Manual, CancellationToken.None);
        Assert.True(run.Succeeded, run.Message);
        var before = Without(await w.SnapshotAsync(world.Namespace), "configmaps/kube-root-ca.crt");

        await world.Client.CoreV1.DeleteNamespaceAsync(world.Namespace);
        await Eventually.TrueAsync(async () => (await world.Client.CoreV1.ListNamespaceAsync()).Items.All(n => n.Metadata.Name != world.Namespace), "namespace deleted");
        var result = await w.RestoreAsync(new RestoreRequest
        {
            Source = new FilesystemDestination(world.Backups), Policy = "nightly", Keys = new KeyRing(key), Mode = RestoreMode.Overwrite,
        });

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.Equal(run.Backup!.Name, result.BackupName);
        Assert.Equal(before.Count + 1, result.Counts.Created);
        Assert.Equal(before, Without(await w.SnapshotAsync(world.Namespace), "configmaps/kube-root-ca.crt"));
        Assert.Contains(result.Items, i => i is { Resource: "namespaces", Action: RestoreAction.Create } && i.Name == world.Namespace);
    }

    [Fact]
    public async Task Run_Latest_SkipsIncompleteBackup_AndReadsFromS3()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app", "first");
        var bucket = await s3.CreateBucketAsync();
        using var destination = new S3Destination(s3.OptionsFor(bucket, "prod"));
        var request = new BackupRequest { Policy = "nightly", Trigger = "manual", Key = w.Key, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-5) };
        var complete = await new BackupPipeline().WriteAsync(request, w.Collect("configmaps"), destination, CancellationToken.None);
        await w.SetColorAsync("app", "second");
        var newer = await new BackupPipeline().WriteAsync(request with { CreatedAt = DateTimeOffset.UtcNow }, w.Collect("configmaps"), destination, CancellationToken.None);
        await destination.DeleteAsync(newer.MetaKey, CancellationToken.None);

        var result = await w.RestoreAsync(new RestoreRequest { Source = destination, Policy = "nightly", Keys = new KeyRing(w.Key), Mode = RestoreMode.Overwrite });

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.Equal(complete.Name, result.BackupName);
        Assert.Equal("first", await w.ColorAsync("app"));
    }

    private static SortedDictionary<string, string> Without(SortedDictionary<string, string> snapshot, string key)
    {
        snapshot.Remove(key);
        return snapshot;
    }
}
