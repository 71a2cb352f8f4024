using System.Text;
using DBackup.Operator.Backups;
using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>Restores and drills from s3rver, with credentials from a Secret of the restore's namespace.</summary>
[Collection(S3rverCollection.Name)]
public sealed class RestoreS3Tests(OperatorClusterFixture cluster, S3rverFixture s3) : IClassFixture<OperatorClusterFixture>
{
    // s3rver accepts any secret key, so this one can be looked for everywhere it must not be.
    private const string SecretKey = "s3-secret-canary-91af0c";

    [Fact]
    public async Task Reconcile_RestoresFromAnExplicitS3Destination_WritesTheSafetyBackupThere_AndHidesCredentials()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await CredentialsAsync(world);
        var bucket = await s3.CreateBucketAsync();
        await world.BackedUpAsync(change: s => s.Destination = S3(bucket));
        await world.SetColorAsync("red");
        await world.Client.CoreV1.DeleteNamespacedSecretAsync("db", world.Namespace);
        await world.CreateRestoreAsync(s =>
        {
            s.Destination = S3(bucket);
            s.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
            s.Policy = "nightly";
            s.Mode = RestoreMode.Overwrite;
        });

        var restore = await world.ReconcileAsync();

        Assert.Equal(RestorePhase.Succeeded, restore.Status!.Phase);
        Assert.Equal("blue", await world.ColorAsync());
        Assert.Equal(RestoreWorld.Canary, await world.SecretValueAsync());
        var safety = restore.Status.SafetyBackupName!;
        Assert.Contains(await s3.RawKeysAsync(bucket), k => k.StartsWith($"team/{SafetyBackupTarget.DefaultFolder}/{safety}", StringComparison.Ordinal));
        var events = string.Join('\n', (await world.EventsAsync(restore)).Select(e => e.Message));
        foreach (var text in new[] { KubernetesJson.Serialize(restore), events, world.Logs.Text })
        {
            Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Drill_VerifiesTheNewestS3Backup()
    {
        await using var world = await RestoreWorld.CreateAsync(cluster);
        await CredentialsAsync(world);
        var bucket = await s3.CreateBucketAsync();
        await world.BackedUpAsync(change: s => { s.Destination = S3(bucket); s.Verify = new VerifySpec { Schedule = "0 4 1 1 *" }; });
        var policy = await world.Client.CustomObjects.PatchNamespacedCustomObjectAsync<MetaBackupPolicy>(
            new k8s.Models.V1Patch($"{{\"metadata\":{{\"annotations\":{{\"{RestoreDrillReconciler.VerifyNowAnnotation}\":\"1\"}}}}}}", k8s.Models.V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural, "nightly");
        var drill = new RestoreDrillReconciler(
            new RestoreDrillRunner(world.Client, new PolicyBackupRunnerOptions(), world.Backups.Time, world.Logs.For<RestoreDrillRunner>(), world.Logs.For<RestoreEngine>()),
            new StatusWriter(new CustomResourceClient(world.Client), world.Logs.For<StatusWriter>()), new BackupSlots(), null, world.Backups.Time, world.Logs.For<RestoreDrillReconciler>());

        await drill.ReconcileAsync(policy, CancellationToken.None);

        var stored = await world.Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(ApiGroup.Group, ApiGroup.Version, world.Namespace, ApiGroup.MetaBackupPolicyPlural, "nightly");
        Assert.Equal("Succeeded", stored.Status.LastVerification?.Result);
        Assert.DoesNotContain(SecretKey, world.Logs.Text, StringComparison.Ordinal);
    }

    private DestinationSpec S3(string bucket) => new()
    {
        S3 = new S3DestinationSpec
        {
            Bucket = bucket, Prefix = "team", Endpoint = s3.ServiceUrl, Region = "us-east-1", ForcePathStyle = true,
            CredentialsSecretRef = new LocalObjectReference { Name = "s3-credentials" },
        },
    };

    private static Task CredentialsAsync(RestoreWorld world) =>
        world.Client.CoreV1.CreateNamespacedSecretAsync(new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "s3-credentials", Labels = new Dictionary<string, string> { [SkipRules.ExcludeLabel] = "true" } },
            Data = new Dictionary<string, byte[]>
            {
                [BackupDestinations.AccessKeyIdKey] = Encoding.UTF8.GetBytes(S3rverFixture.AccessKey),
                [BackupDestinations.SecretAccessKeyKey] = Encoding.UTF8.GetBytes(SecretKey),
            },
        }, world.Namespace);
}
