using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Scheduling;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Backups;

/// <summary>Policy runs into s3rver with credentials from a Secret of the policy's namespace.</summary>
[Collection(S3rverCollection.Name)]
public sealed class PolicyBackupRunnerS3Tests(OperatorClusterFixture cluster, S3rverFixture s3) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task RunAsync_WritesToS3WithCredentialsFromSecret_AndNeverShowsTheSecretKey()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        await CredentialsAsync(world, S3rverFixture.SecretKey);
        var bucket = await s3.CreateBucketAsync();
        var policy = await world.PolicyAsync(spec => spec.Destination = S3(bucket));

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal($"s3://{bucket}/team", result.Location);
        Assert.Equal(1, result.BackupCount);
        var keys = await s3.RawKeysAsync(bucket);
        Assert.Contains($"team/{result.PayloadKey}", keys);
        Assert.Contains($"team/{result.PayloadKey}{BackupName.MetaSuffix}", keys);
        using var client = s3.CreateClient();
        using var payload = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = $"team/{result.PayloadKey}" });
        using var buffer = new MemoryStream();
        await payload.ResponseStream.CopyToAsync(buffer);
        Assert.Equal(result.Backup!.Sha256, Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray())));
        await AssertHiddenAsync(world, policy, result, S3rverFixture.SecretKey);
    }

    [Fact]
    public async Task RunAsync_FailsWithoutShowingTheSecretKey_WhenTheBucketIsMissing()
    {
        // s3rver accepts any secret key, so the failure comes from a bucket that does not exist.
        const string wrong = "secret-canary-5be21d";
        await using var world = await RunnerWorld.CreateAsync(cluster);
        await world.ConfigMapAsync("app-config");
        await CredentialsAsync(world, wrong);
        var bucket = "missing-" + Guid.NewGuid().ToString("N")[..8];
        var policy = await world.PolicyAsync(spec => spec.Destination = S3(bucket));

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(RunFailureReasons.StorageFailed, result.Reason);
        Assert.Contains(bucket, result.Message, StringComparison.Ordinal);
        await AssertHiddenAsync(world, policy, result, wrong);
    }

    [Fact]
    public async Task RunAsync_FailsWithCredentialsNotFound_WhenTheSecretIsMissing()
    {
        await using var world = await RunnerWorld.CreateAsync(cluster);
        var policy = await world.PolicyAsync(spec => spec.Destination = S3("some-bucket"));

        var result = await world.Runner.RunAsync(policy, BackupTriggers.Schedule, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(RunFailureReasons.CredentialsNotFound, result.Reason);
        Assert.Contains($"{world.Namespace}/s3-credentials", result.Message, StringComparison.Ordinal);
    }

    private DestinationSpec S3(string bucket) => new()
    {
        S3 = new S3DestinationSpec
        {
            Bucket = bucket, Prefix = "/team/", Endpoint = s3.ServiceUrl, Region = "us-east-1", ForcePathStyle = true,
            CredentialsSecretRef = new LocalObjectReference { Name = "s3-credentials" },
        },
    };

    private static async Task CredentialsAsync(RunnerWorld world, string secretKey) =>
        await world.Client.CoreV1.CreateNamespacedSecretAsync(new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "s3-credentials" },
            Data = new Dictionary<string, byte[]>
            {
                [BackupDestinations.AccessKeyIdKey] = Encoding.UTF8.GetBytes(S3rverFixture.AccessKey),
                [BackupDestinations.SecretAccessKeyKey] = Encoding.UTF8.GetBytes(secretKey + "\n"),
            },
        }, world.Namespace);

    private static async Task AssertHiddenAsync(RunnerWorld world, MetaBackupPolicy policy, PolicyRunResult result, string secret)
    {
        var events = await world.EventsAsync(policy);
        Assert.NotEmpty(events);
        var history = await world.History.RecentBackupsAsync("nightly", 10);
        foreach (var text in new[] { string.Join('\n', events.Select(e => e.Message)), string.Join('\n', history), result.ToString(), result.ToRun().Message, world.Logger.Text })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
