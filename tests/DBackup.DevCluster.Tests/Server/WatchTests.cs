using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class WatchTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private static async Task<List<(WatchEventType Type, V1ConfigMap Object)>> CollectAsync(
        IAsyncEnumerable<(WatchEventType, V1ConfigMap)> stream, int count, TimeSpan? within = null)
    {
        var events = new List<(WatchEventType, V1ConfigMap)>();
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        try
        {
            await foreach (var e in stream.WithCancellation(cts.Token))
            {
                events.Add(e);
                if (events.Count == count) break;
            }
        }
        catch (OperationCanceledException)
        {
            // The caller asserts on what arrived before the deadline.
        }
        return events;
    }

    [Fact]
    public async Task Watch_StreamsAddedModifiedDeleted_FromListResourceVersion()
    {
        var ns = await fx.NamespaceAsync();
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        var stream = fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion);
        var collecting = CollectAsync(stream, 3);

        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("w"), ns);
        cm.Data["k"] = "2";
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "w", ns);
        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("w", ns);
        var events = await collecting;

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("2", events[1].Object.Data["k"]);
        var rvs = events.Select(e => long.Parse(e.Object.Metadata.ResourceVersion)).ToList();
        Assert.Equal(rvs.Order(), rvs);
        Assert.True(rvs[2] > rvs[1]);
    }

    [Fact]
    public async Task Watch_ResumesFromResourceVersion_WithOnlyLaterEvents()
    {
        var ns = await fx.NamespaceAsync();
        var a = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("a"), ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("b"), ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("c"), ns);

        var events = await CollectAsync(fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: a.Metadata.ResourceVersion), 2);

        Assert.Equal(["b", "c"], events.Select(e => e.Object.Metadata.Name));
        Assert.All(events, e => Assert.Equal(WatchEventType.Added, e.Type));
    }

    [Fact]
    public async Task Watch_SendsInitialAddedEvents_WhenNoResourceVersionIsGiven()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("pre"), ns);

        var events = await CollectAsync(fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=pre"), 1);

        Assert.Equal(WatchEventType.Added, Assert.Single(events).Type);
    }

    [Fact]
    public async Task Watch_SendsBookmarksWithOnlyResourceVersion_WhenAllowed()
    {
        var ns = await fx.NamespaceAsync();
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);

        var events = await CollectAsync(fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion, allowWatchBookmarks: true), 1);

        var bookmark = Assert.Single(events);
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.True(long.Parse(bookmark.Object.Metadata.ResourceVersion) >= long.Parse(list.Metadata.ResourceVersion));
        Assert.Null(bookmark.Object.Metadata.Name);
        Assert.Null(bookmark.Object.Data);
    }

    [Fact]
    public async Task Watch_SendsNoBookmarks_WhenNotAllowed()
    {
        var ns = await fx.NamespaceAsync();
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);

        var events = await CollectAsync(fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion), 1, TimeSpan.FromSeconds(1));

        Assert.Empty(events);
    }

    [Fact]
    public async Task Watch_EndsStream_WhenTimeoutSecondsElapse()
    {
        var ns = await fx.NamespaceAsync();
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        var received = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watching = Task.Run(async () =>
        {
            await foreach (var (_, o) in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion, timeoutSeconds: 1, cancellationToken: cts.Token))
                received.Add(o.Metadata.Name);
        });

        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("before-timeout"), ns);
        await watching;

        Assert.False(cts.IsCancellationRequested);
        Assert.Equal(["before-timeout"], received);
    }

    private async Task<KubernetesException?> WatchErrorAsync(string ns, string resourceVersion)
    {
        // KubernetesClient hands an ERROR event's Status to onError (it does not throw) and then sees the stream end.
        KubernetesException? error = null;
        await foreach (var _ in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: resourceVersion, onError: e => error ??= e as KubernetesException))
        {
            // Nothing is expected before the ERROR event.
        }
        return error;
    }

    [Fact]
    public async Task Watch_FailsWith410Gone_WhenResourceVersionWasCompacted()
    {
        var ns = await fx.NamespaceAsync();
        var old = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("old"), ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("newer"), ns);
        fx.Cluster.CompactHistory();

        var error = await WatchErrorAsync(ns, old.Metadata.ResourceVersion);

        Assert.NotNull(error);
        Assert.Equal(410, error.Status.Code);
        Assert.Equal("Expired", error.Status.Reason);
        Assert.StartsWith($"too old resource version: {old.Metadata.ResourceVersion}", error.Status.Message);
    }

    [Fact]
    public async Task Watch_SendsDeleted_WhenObjectStopsMatchingLabelSelector()
    {
        var ns = await fx.NamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("sel", labels: new Dictionary<string, string> { ["app"] = "x" }), ns);
        var collecting = CollectAsync(fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, labelSelector: "app=x", resourceVersion: cm.Metadata.ResourceVersion), 2);

        cm.Metadata.Labels["app"] = "y";
        cm = await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "sel", ns);
        cm.Metadata.Labels["app"] = "x";
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "sel", ns);
        var events = await collecting;

        Assert.Equal([WatchEventType.Deleted, WatchEventType.Added], events.Select(e => e.Type));
    }

    [Fact]
    public async Task ListThenWatch_MissesNothing_WhenRelistingAfterGone()
    {
        var ns = await fx.NamespaceAsync();
        var first = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("during-outage"), ns);
        fx.Cluster.CompactHistory();

        var gone = await WatchErrorAsync(ns, first.Metadata.ResourceVersion);
        var relist = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        var collecting = CollectAsync(fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: relist.Metadata.ResourceVersion), 1);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("after"), ns);

        Assert.Equal(410, gone!.Status.Code);
        Assert.Contains(relist.Items, i => i.Metadata.Name == "during-outage");
        Assert.Equal("after", Assert.Single(await collecting).Object.Metadata.Name);
    }

    [Fact]
    public async Task Watch_IsClosedByServer_WhenFaultInjectionLimitsEvents()
    {
        var ns = await fx.NamespaceAsync();
        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        using var rule = fx.Cluster.Faults.Add(new DBackup.DevCluster.Faults.FaultRule { DropWatchAfterEvents = 1, PathPattern = $"*/namespaces/{ns}/configmaps*watch=true*" });
        var received = new List<string>();
        var failedOrEnded = false;
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var (_, o) in fx.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion))
                    received.Add(o.Metadata.Name);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or KubernetesException)
            {
                // The dropped connection surfaces as an I/O error in the client.
            }
            failedOrEnded = true;
        });

        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("one"), ns);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("two"), ns);
        await watching.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(failedOrEnded);
        Assert.Equal(["one"], received);
    }

    [Fact]
    public async Task Watch_Returns504_WhenResourceVersionIsFromTheFuture()
    {
        var ns = await fx.NamespaceAsync();
        var future = (fx.Cluster.ResourceVersion + 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, body, _) = await Some.SendAsync(fx.Cluster, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={future}");

        Assert.Equal(504, code);
        Assert.StartsWith($"Too large resource version: {future}", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClusterWideWatch_SeesEventsFromEveryNamespace()
    {
        var ns1 = await fx.NamespaceAsync();
        var ns2 = await fx.NamespaceAsync();
        var start = await fx.Client.CoreV1.ListConfigMapForAllNamespacesAsync(limit: 1);
        var collecting = CollectAsync(fx.Client.CoreV1.WatchListConfigMapForAllNamespacesAsync(resourceVersion: start.Metadata.ResourceVersion, labelSelector: "cw=yes"), 2);

        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("x", labels: new Dictionary<string, string> { ["cw"] = "yes" }), ns1);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("y", labels: new Dictionary<string, string> { ["cw"] = "yes" }), ns2);

        Assert.Equal([ns1, ns2], (await collecting).Select(e => e.Object.Metadata.NamespaceProperty));
    }

    [Fact]
    public async Task TableWatch_SendsTableRows_LikeKubectlGetWatch()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("row"), ns);
        using var http = new HttpClient { BaseAddress = fx.Cluster.Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&fieldSelector=metadata.name%3Drow");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var evt = System.Text.Json.Nodes.JsonNode.Parse(line!)!;
        Assert.Equal("ADDED", evt["type"]!.GetValue<string>());
        Assert.Equal("Table", evt["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("row", evt["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
        Assert.NotNull(evt["object"]!["columnDefinitions"]);
    }
}
