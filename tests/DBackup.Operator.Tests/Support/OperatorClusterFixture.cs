using DBackup.DevCluster;
using DBackup.Operator.Crds;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Support;

/// <summary>
/// A DevCluster with the dbackup.io CRDs (embedded from config/crd) applied, shared by the tests of a class; each
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
        await EmbeddedCrds.InstallAsync(Client, CancellationToken.None);
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
