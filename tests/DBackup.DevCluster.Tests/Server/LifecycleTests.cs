using k8s;

namespace DBackup.DevCluster.Tests.Server;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Dispose_EndsOpenWatches_AndDeletesTemporaryKubeconfig()
    {
        var cluster = await DevCluster.StartAsync();
        var kubeconfig = cluster.KubeconfigPath;
        using var client = cluster.CreateClient();
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: list.Metadata.ResourceVersion))
                {
                    // Nothing changes; the stream stays open until the server stops.
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // An empty watch that ends surfaces as EndOfStream in KubernetesClient.
            }
        });
        await Task.Delay(200);

        var disposing = cluster.DisposeAsync().AsTask();
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));
        await watching.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(File.Exists(kubeconfig));
    }

    [Fact]
    public async Task Start_WritesKubeconfigToRequestedPath_AndKeepsIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dc-{Guid.NewGuid():N}", "config");
        try
        {
            await using (var cluster = await DevCluster.StartAsync(new DevClusterOptions { KubeconfigPath = path }))
            {
                var text = await File.ReadAllTextAsync(path);
                Assert.Contains($"server: {cluster.Url.GetLeftPart(UriPartial.Authority)}", text);
                Assert.Contains("current-context: devcluster", text);
            }

            Assert.True(File.Exists(path));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
