using DBackup.Operator.Entities;
using DBackup.Operator.Hosting;
using DBackup.Operator.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Runtime;

/// <summary>
/// The whole operator on DevCluster: its reconcilers have no cleanup, so they put no finalizer on policies or profiles,
/// deleting them with the operator running is immediate, and the finalizer earlier versions put on every object is
/// removed — also from an object whose deletion was stuck on it while no operator ran.
/// </summary>
public sealed class FinalizerOptInTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dbackup-finalizers-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Operator_PutsNoFinalizers_RemovesRetiredOnes_AndDeletionsDoNotHang()
    {
        var client = cluster.Client;
        var ns = await cluster.NamespaceAsync();
        var fresh = await CreatePolicyAsync(client, ns, "fresh", finalizers: null);
        await CreatePolicyAsync(client, ns, "upgraded", finalizers: [Finalizers.Cleanup]);
        await CreatePolicyAsync(client, ns, "stuck", finalizers: [Finalizers.Cleanup]);
        var oldProfile = Some.Profile(name: "main", @namespace: ns);
        oldProfile.Metadata.Finalizers = [Finalizers.Cleanup];
        await Objects.CreateAsync(client, ns, oldProfile);

        // Deleted while no operator runs: held by the finalizer an earlier version put there.
        await client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, "stuck");
        Assert.NotNull((await GetPolicyAsync(client, ns, "stuck"))!.Metadata.DeletionTimestamp);

        var settings = new OperatorSettings
        {
            Kubeconfig = cluster.Cluster.KubeconfigPath, DataDir = Path.Combine(_root.FullName, "data"), LeaderElect = false, Port = 0,
            ListenAddress = "127.0.0.1", AdminNamespaces = ["dbackup-system"], LogFormat = "text",
        };
        await using var app = await OperatorHost.BuildAsync(settings, CancellationToken.None);
        await app.StartAsync();
        try
        {
            await Eventually.TrueAsync(async () => await GetPolicyAsync(client, ns, "stuck") is null, "the stuck policy to go", TimeSpan.FromSeconds(30));
            await Eventually.TrueAsync(async () => (await GetPolicyAsync(client, ns, "upgraded"))!.Metadata.Finalizers is null or { Count: 0 }, "the retired finalizer removed from the policy", TimeSpan.FromSeconds(30));
            await Eventually.TrueAsync(async () => (await Objects.GetAsync(client, ns, "main")).Metadata.Finalizers is null or { Count: 0 }, "the retired finalizer removed from the profile", TimeSpan.FromSeconds(30));
            await Eventually.TrueAsync(async () => (await GetPolicyAsync(client, ns, "fresh"))!.Status?.ObservedGeneration == fresh.Metadata.Generation, "the fresh policy reconciled", TimeSpan.FromSeconds(30));
            Assert.Empty((await GetPolicyAsync(client, ns, "fresh"))!.Metadata.Finalizers ?? []);

            // With the operator running, a deletion completes at once: nothing waits for a cleanup that does not exist.
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, "fresh");
            Assert.Null(await GetPolicyAsync(client, ns, "fresh"));
            await Objects.DeleteAsync(client, ns, "main");
            Assert.False(await Objects.ExistsAsync(client, ns, "main"));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task<MetaBackupPolicy> CreatePolicyAsync(IKubernetes client, string ns, string name, IList<string>? finalizers)
    {
        var policy = Some.Policy(name: name, @namespace: ns, schedule: "0 3 1 1 *");
        policy.Metadata.Finalizers = finalizers;
        return await client.CustomObjects.CreateNamespacedCustomObjectAsync<MetaBackupPolicy>(policy, ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural);
    }

    private static async Task<MetaBackupPolicy?> GetPolicyAsync(IKubernetes client, string ns, string name)
    {
        try
        {
            return await client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, name);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
