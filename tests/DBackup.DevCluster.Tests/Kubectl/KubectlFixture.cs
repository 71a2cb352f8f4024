namespace DBackup.DevCluster.Tests.Kubectl;

/// <summary>One DevCluster for all kubectl smoke tests, with the Widget CRD installed.</summary>
public sealed class KubectlFixture : IAsyncLifetime
{
    private readonly string _cacheDirectory = Path.Combine(Path.GetTempPath(), "devcluster-kubectl-cache-" + Guid.NewGuid().ToString("N"));
    private DevCluster? _cluster;

    internal DevCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");

    internal KubectlRunner Kubectl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DevCluster.StartAsync();
        Kubectl = new KubectlRunner(_cluster.KubeconfigPath, _cacheDirectory);
        if (KubectlRunner.SkipReason is null)
        {
            await Kubectl.OkAsync("apply -f -", Manifests.WidgetCrd);
            await WaitForWidgetsAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (Directory.Exists(_cacheDirectory))
        {
            Directory.Delete(_cacheDirectory, recursive: true);
        }
    }

    private async Task WaitForWidgetsAsync()
    {
        // The CRD controller establishes the API asynchronously, as the real one does.
        for (var i = 0; i < 100; i++)
        {
            var result = await Kubectl.RunAsync("get widgets");
            if (result.ExitCode == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the Widget CRD never became served");
    }
}
