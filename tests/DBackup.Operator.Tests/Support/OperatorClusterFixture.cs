using DBackup.DevCluster;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Support;

/// <summary>
/// A DevCluster with the dbackup.io CRDs from config/crd applied, shared by the tests of a class; each
/// test works in its own namespace.
/// </summary>
public sealed class OperatorClusterFixture : IAsyncLifetime
{
    private int _counter;

    public DevCluster.DevCluster Cluster { get; private set; } = null!;

    public IKubernetes Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        Cluster = await DevCluster.DevCluster.StartAsync(new DevClusterOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", "crd"), "*.yaml"))
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file));
            await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            await Eventually.TrueAsync(
                async () => (await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name)).Status?.Conditions?
                    .Any(c => c.Type == "Established" && c.Status == "True") == true,
                $"CRD {crd.Metadata.Name} established");
        }
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Creates a fresh namespace for one test.</summary>
    public async Task<string> NamespaceAsync()
    {
        var name = $"t{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }
}
