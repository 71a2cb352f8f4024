using System.Collections.Concurrent;
using DBackup.DevCluster.Faults;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using DBackup.Operator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Tests.Runtime;

public sealed class ResourceInformerTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    /// <summary>A running informer on one namespace, recording the keys it reports.</summary>
    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;
        private readonly IDisposable _client;

        public Running(ResourceInformer<EncryptionProfileRef> informer, IDisposable client)
        {
            Informer = informer;
            _client = client;
            _run = informer.RunAsync(Changes.Enqueue, _stop.Token);
        }

        public ResourceInformer<EncryptionProfileRef> Informer { get; }

        public ConcurrentQueue<ResourceKey> Changes { get; } = new();

        public EncryptionProfileRef? Get(string ns, string name) => Informer.TryGet(new ResourceKey(ns, name), out var e) ? e : null;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
            _client.Dispose();
        }
    }

    // Its own client, as an operator process has: the test's arrange/assert calls never share its connections.
    private Running Start(string ns, int pageSize = 100, TimeSpan? watchTimeout = null)
    {
        var client = fx.Cluster.CreateClient();
        return new(
            new ResourceInformer<EncryptionProfileRef>(
                new CustomResourceClient(client),
                new InformerOptions { Namespace = ns, PageSize = pageSize, WatchTimeout = watchTimeout ?? TimeSpan.FromMinutes(5), ReconnectUnit = TimeSpan.FromMilliseconds(50) },
                NullLogger<ResourceInformer<EncryptionProfileRef>>.Instance),
            client);
    }

    private static async Task SyncedAsync(Running running)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await running.Informer.WaitForSyncAsync(timeout.Token);
    }

    [Fact]
    public async Task RunAsync_CachesEveryObject_WhenListTakesSeveralPages()
    {
        var ns = await fx.NamespaceAsync();
        for (var i = 0; i < 7; i++)
        {
            await Objects.CreateAsync(fx.Client, ns, Some.Profile($"p{i}"));
        }

        var pages = new FaultRule { Latency = TimeSpan.Zero, Method = "GET", PathPattern = $"^/apis/dbackup.io/v1alpha1/namespaces/{ns}/encryptionprofilerefs\\?(?!.*watch=true).*limit=3.*" };
        using var counting = fx.Cluster.Faults.Add(pages);
        await using var running = Start(ns, pageSize: 3);
        await SyncedAsync(running);

        Assert.Equal(7, running.Informer.Count);
        Assert.Equal(3, pages.Matched);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"p{i}"), running.Changes.Select(k => k.Name).Order());
    }

    [Fact]
    public async Task RunAsync_AppliesAddedModifiedAndDeletedEventsToCache()
    {
        var ns = await fx.NamespaceAsync();
        await using var running = Start(ns);
        await SyncedAsync(running);

        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await Eventually.TrueAsync(() => running.Get(ns, "a") is not null, "ADDED cached");

        await Objects.PatchAsync(fx.Client, ns, "a", """{"spec":{"secretRef":{"name":"other"}}}""");
        await Eventually.TrueAsync(() => running.Get(ns, "a")?.Spec.SecretRef.Name == "other", "MODIFIED cached");

        await Objects.DeleteAsync(fx.Client, ns, "a");
        await Eventually.TrueAsync(() => running.Get(ns, "a") is null, "DELETED removed");
        Assert.Equal(3, running.Changes.Count(k => k.Name == "a"));
    }

    [Fact]
    public async Task RunAsync_ReportsSpecAndAnnotationChangesButNotStatusOnlyUpdates()
    {
        var ns = await fx.NamespaceAsync();
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await using var running = Start(ns);
        await SyncedAsync(running);
        running.Changes.Clear();

        await Objects.PatchStatusAsync(fx.Client, ns, "a", """{"status":{"keyId":"0011223344556677"}}""");
        await Eventually.TrueAsync(() => running.Get(ns, "a")?.Status.KeyId == "0011223344556677", "status update cached");
        Assert.Empty(running.Changes);

        await Objects.PatchAsync(fx.Client, ns, "a", "{\"metadata\":{\"annotations\":{\"" + ApiGroup.RunNowAnnotation + "\":\"1\"}}}");
        await Eventually.TrueAsync(() => running.Changes.Count == 1, "annotation change reported");

        await Objects.PatchAsync(fx.Client, ns, "a", """{"spec":{"secretRef":{"name":"other"}}}""");
        await Eventually.TrueAsync(() => running.Changes.Count == 2, "spec change reported");
    }

    [Fact]
    public async Task RunAsync_ResumesWithoutMissingEvents_WhenWatchIsDropped()
    {
        var ns = await fx.NamespaceAsync();
        var drop = FaultRule.DropWatch(1, $"*/namespaces/{ns}/encryptionprofilerefs*");
        using var dropping = fx.Cluster.Faults.Add(drop);
        await using var running = Start(ns);
        await SyncedAsync(running);

        for (var i = 0; i < 6; i++)
        {
            await Objects.CreateAsync(fx.Client, ns, Some.Profile($"p{i}"));
            await Objects.PatchAsync(fx.Client, ns, $"p{i}", """{"spec":{"secretRef":{"name":"changed"}}}""");
        }

        await Eventually.TrueAsync(
            () => Enumerable.Range(0, 6).All(i => running.Get(ns, $"p{i}")?.Spec.SecretRef.Name == "changed"),
            "every change cached");
        Assert.True(drop.Fired > 1);
        Assert.Equal(1, running.Informer.Lists);
    }

    [Fact]
    public async Task RunAsync_RelistsAndCorrectsCache_WhenWatchVersionWasCompacted()
    {
        var ns = await fx.NamespaceAsync();
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("gone"));
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("kept"));
        await using var running = Start(ns, watchTimeout: TimeSpan.FromSeconds(1));
        await SyncedAsync(running);

        // Keep the informer disconnected while the world changes behind its back.
        var refuse = FaultRule.Status(503, pathPattern: $"*/namespaces/{ns}/encryptionprofilerefs?*watch=true*", method: "GET");
        var refusing = fx.Cluster.Faults.Add(refuse);
        await Eventually.TrueAsync(() => refuse.Fired > 0, "watch disconnected");
        await Objects.DeleteAsync(fx.Client, ns, "gone");
        await Objects.PatchAsync(fx.Client, ns, "kept", """{"spec":{"secretRef":{"name":"changed"}}}""");
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("new"));
        fx.Cluster.CompactHistory();
        running.Changes.Clear();
        refusing.Dispose();

        await Eventually.TrueAsync(() => running.Informer.Lists == 2, "relisted");
        Assert.Null(running.Get(ns, "gone"));
        Assert.Equal("changed", running.Get(ns, "kept")?.Spec.SecretRef.Name);
        Assert.NotNull(running.Get(ns, "new"));
        Assert.Equal(["gone", "kept", "new"], running.Changes.Select(k => k.Name).Order());
    }

    [Fact]
    public async Task RunAsync_RetriesList_WhenApiAnswers429And500()
    {
        var ns = await fx.NamespaceAsync();
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        var list = $"^/apis/dbackup.io/v1alpha1/namespaces/{ns}/encryptionprofilerefs\\?(?!.*watch=true).*";
        var throttled = new FaultRule { StatusCode = 429, Method = "GET", PathPattern = list, Times = 2 };
        var failing = new FaultRule { StatusCode = 500, Method = "GET", PathPattern = list, Times = 1 };
        using var a = fx.Cluster.Faults.Add(throttled);
        using var b = fx.Cluster.Faults.Add(failing);

        await using var running = Start(ns);
        await SyncedAsync(running);

        Assert.Equal(2, throttled.Fired);
        Assert.Equal(1, failing.Fired);
        Assert.NotNull(running.Get(ns, "a"));
    }

    [Fact]
    public void ShouldEnqueue_IgnoresStatusAndResourceVersion_ButNotGenerationDeletionOrAnnotations()
    {
        static EncryptionProfileRef With(long generation, string rv, DateTime? deleting = null, string? runNow = null)
        {
            var p = Some.Profile("x", "ns");
            p.Metadata.Generation = generation;
            p.Metadata.ResourceVersion = rv;
            p.Metadata.DeletionTimestamp = deleting;
            p.Metadata.Annotations = runNow is null ? null : new Dictionary<string, string> { [ApiGroup.RunNowAnnotation] = runNow };
            return p;
        }

        var old = With(1, "10");
        var statusOnly = With(1, "11");
        statusOnly.Status.KeyId = "changed";

        Assert.True(ResourceInformer<EncryptionProfileRef>.ShouldEnqueue(null, old));
        Assert.False(ResourceInformer<EncryptionProfileRef>.ShouldEnqueue(old, statusOnly));
        Assert.True(ResourceInformer<EncryptionProfileRef>.ShouldEnqueue(old, With(2, "12")));
        Assert.True(ResourceInformer<EncryptionProfileRef>.ShouldEnqueue(old, With(1, "12", deleting: DateTime.UtcNow)));
        Assert.True(ResourceInformer<EncryptionProfileRef>.ShouldEnqueue(old, With(1, "12", runNow: "1")));
        Assert.True(ResourceInformer<EncryptionProfileRef>.ShouldEnqueue(With(1, "12", runNow: "1"), With(1, "13", runNow: "2")));
        Assert.False(ResourceInformer<EncryptionProfileRef>.ShouldEnqueue(With(1, "12", runNow: "1"), With(1, "13", runNow: "1")));
    }

    [Fact]
    public async Task RunAsync_SkipsObjectsTheTypeCannotRead_AndKeepsWatchingTheRest()
    {
        var ns = await fx.NamespaceAsync();
        var poison = Some.Profile("poison");
        poison.Spec.PreviousKeys = [new SecretKeyReference { Name = "old" }];
        await Objects.CreateAsync(fx.Client, ns, poison);
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("good"));
        using var client = fx.Cluster.CreateClient();
        var informer = new ResourceInformer<StrictProfile>(
            new CustomResourceClient(client),
            new InformerOptions { Namespace = ns, ReconnectUnit = TimeSpan.FromMilliseconds(50) },
            NullLogger<ResourceInformer<StrictProfile>>.Instance);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(_ => { }, stop.Token);

        await Eventually.TrueAsync(() => informer.HasSynced, "synced");
        await Objects.PatchAsync(fx.Client, ns, "poison", """{"spec":{"previousKeys":[{"name":"older"}]}}""");
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("later"));
        await Eventually.TrueAsync(() => informer.TryGet(new ResourceKey(ns, "later"), out _), "later object cached");

        Assert.Equal(["good", "later"], informer.Keys.Select(k => k.Name).Order());
        Assert.Equal(1, informer.Lists);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

/// <summary>The EncryptionProfileRef CRD read through a type that cannot represent <c>previousKeys</c>, to make poison objects.</summary>
[k8s.Models.KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = ApiGroup.EncryptionProfileRefKind, PluralName = ApiGroup.EncryptionProfileRefPlural)]
public sealed class StrictProfile : CustomResource<StrictProfileSpec, EncryptionProfileRefStatus>
{
}

public sealed class StrictProfileSpec
{
    [System.Text.Json.Serialization.JsonPropertyName("previousKeys")]
    public int? PreviousKeys { get; set; }
}
