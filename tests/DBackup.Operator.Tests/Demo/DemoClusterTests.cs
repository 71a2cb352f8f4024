using System.Text;
using DBackup.Operator.Demo;
using DBackup.Operator.Entities;
using k8s;

namespace DBackup.Operator.Tests.Demo;

/// <summary>
/// What the demo leaves running is what its story says: the operator did the work through custom resources,
/// the second namespace holds the application with its real Secret values, and the samples sit there suspended.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class DemoClusterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dbackup-demo-cluster-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Story_LeavesTheClusterItDescribes()
    {
        using var story = new StringWriter();
        await using var session = await new DemoStory(story).RunAsync(_folder, CancellationToken.None);
        var client = session.Cluster.Client;

        // The restore really ran in the operator: its status, not the demo, reports the outcome.
        var restore = await Get<MetaBackupRestore>(client, DemoWorld.AdminNamespace, ApiGroup.MetaBackupRestorePlural, DemoWorld.RestoreName);
        Assert.Equal(RestorePhase.Succeeded, restore.Status.Phase);
        Assert.Equal(5, restore.Status.Summary!.Created);
        var policy = await Get<MetaBackupPolicy>(client, DemoWorld.AdminNamespace, ApiGroup.MetaBackupPolicyPlural, DemoWorld.PolicyName);
        Assert.Equal(restore.Status.BackupName, policy.Status.LastSuccessfulBackup!.Name);
        Assert.Equal("demo", policy.Status.LastRunNow);

        // The clone holds the application, Secret values included, under the new namespace.
        foreach (var name in new[] { "app-config", "feature-flags", "nginx-conf" })
        {
            var original = await client.CoreV1.ReadNamespacedConfigMapAsync(name, DemoWorld.Namespace);
            var copy = await client.CoreV1.ReadNamespacedConfigMapAsync(name, DemoWorld.RestoreNamespace);
            Assert.Equal(original.Data, copy.Data);
        }

        var secret = await client.CoreV1.ReadNamespacedSecretAsync("db-credentials", DemoWorld.RestoreNamespace);
        Assert.Equal("s3cr3t-demo-password", Encoding.UTF8.GetString(secret.Data["password"]));

        // Samples: every policy sample installed suspended with drills off; no restore sample ran.
        var policies = await client.CustomObjects.ListClusterCustomObjectAsync<ObjectList<MetaBackupPolicy>>(ApiGroup.Group, ApiGroup.Version, ApiGroup.MetaBackupPolicyPlural);
        var samples = policies.Items.Where(p => p.Metadata.Name != DemoWorld.PolicyName).ToList();
        Assert.Equal(DemoCommandTests.PolicySamples(), samples.Count);
        Assert.All(samples, p => Assert.True(p.Spec.Suspend == true && p.Spec.Verify is null, $"{p} is not suspended with drills off"));
        var restores = await client.CustomObjects.ListClusterCustomObjectAsync<ObjectList<MetaBackupRestore>>(ApiGroup.Group, ApiGroup.Version, ApiGroup.MetaBackupRestorePlural);
        Assert.Equal([DemoWorld.RestoreName], restores.Items.Select(r => r.Metadata.Name));

        // The operator keeps running after the story: another run-now makes another backup.
        await DemoWorld.RunNowAsync(client, "again", CancellationToken.None);
        await Support.Eventually.TrueAsync(async () =>
            (await Get<MetaBackupPolicy>(client, DemoWorld.AdminNamespace, ApiGroup.MetaBackupPolicyPlural, DemoWorld.PolicyName)).Status.LastRunNow == "again", "the operator to act on a second run-now after the story", TimeSpan.FromSeconds(30));
    }

    private static Task<T> Get<T>(IKubernetes client, string ns, string plural, string name) =>
        client.CustomObjects.GetNamespacedCustomObjectAsync<T>(ApiGroup.Group, ApiGroup.Version, ns, plural, name);
}

/// <summary>A list of custom resources, as the API returns it.</summary>
internal sealed class ObjectList<T>
{
    /// <summary>The items.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("items")]
    public List<T> Items { get; set; } = [];
}
