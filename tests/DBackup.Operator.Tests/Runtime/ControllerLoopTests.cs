using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using DBackup.Operator.Tests.Support;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DBackup.Operator.Tests.Runtime;

public sealed class ControllerLoopTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    private sealed class Running : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;
        private readonly IDisposable _client;

        public Running(ControllerLoop<EncryptionProfileRef> loop, IDisposable client)
        {
            _client = client;
            _run = loop.RunAsync(_stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
            _client.Dispose();
        }
    }

    // Its own client, as the operator process has; the test arranges and asserts through fx.Client.
    private Running Start(string ns, TestReconciler reconciler, TimeProvider? time = null, Func<k8s.IKubernetes, CustomResourceClient>? resources = null)
    {
        var client = fx.Cluster.CreateClient();
        return new(
            new ControllerLoop<EncryptionProfileRef>(
                resources?.Invoke(client) ?? new CustomResourceClient(client),
                reconciler,
                new ControllerOptions { ResyncPeriod = TimeSpan.FromHours(10), Informer = new InformerOptions { Namespace = ns, ReconnectUnit = TimeSpan.FromMilliseconds(50) } },
                NullLoggerFactory.Instance,
                time),
            client);
    }

    /// <summary>Advances fake time until <paramref name="condition"/> holds: the timer may be armed only after the reconcile returned.</summary>
    private static Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition, string what) =>
        Eventually.TrueAsync(() =>
        {
            if (condition())
            {
                return true;
            }

            time.Advance(step);
            return false;
        }, what);

    [Fact]
    public async Task RunAsync_AddsFinalizerBeforeFirstReconcile()
    {
        var ns = await fx.NamespaceAsync();
        var reconciler = new TestReconciler();
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await using var running = Start(ns, reconciler);

        await Eventually.TrueAsync(() => reconciler.Reconciles > 0, "first reconcile");

        Assert.True(reconciler.Reconciled.First().HasFinalizer(Finalizers.Cleanup));
        Assert.True((await Objects.GetAsync(fx.Client, ns, "a")).HasFinalizer(Finalizers.Cleanup));
    }

    [Fact]
    public async Task RunAsync_AddsNoFinalizer_AndDeletionIsImmediate_WhenReconcilerHasNoCleanup()
    {
        var ns = await fx.NamespaceAsync();
        var reconciler = new TestReconciler { Finalizer = null };
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await using var running = Start(ns, reconciler);
        await Eventually.TrueAsync(() => reconciler.Reconciles > 0, "first reconcile");

        Assert.Empty((await Objects.GetAsync(fx.Client, ns, "a")).Metadata.Finalizers ?? []);
        await Objects.DeleteAsync(fx.Client, ns, "a");
        Assert.False(await Objects.ExistsAsync(fx.Client, ns, "a"));
        Assert.Equal(0, reconciler.Finalizes);
    }

    [Fact]
    public async Task RunAsync_RemovesTheRetiredFinalizer_AndKeepsOthers_WhenReconcilerHasNoCleanup()
    {
        var ns = await fx.NamespaceAsync();
        var reconciler = new TestReconciler { Finalizer = null };
        var profile = Some.Profile("a");
        profile.Metadata.Finalizers = ["example.com/theirs", Finalizers.Cleanup];
        await Objects.CreateAsync(fx.Client, ns, profile);
        await using var running = Start(ns, reconciler);

        await Eventually.TrueAsync(async () => !(await Objects.GetAsync(fx.Client, ns, "a")).HasFinalizer(Finalizers.Cleanup), "the retired finalizer removed");
        Assert.Equal(["example.com/theirs"], (await Objects.GetAsync(fx.Client, ns, "a")).Metadata.Finalizers);
        await Eventually.TrueAsync(() => reconciler.Reconciles > 0, "reconciled after the removal");
    }

    [Fact]
    public async Task RunAsync_ReleasesAnObjectStuckOnTheRetiredFinalizer_WhenDeletedWhileNoOperatorRan()
    {
        var ns = await fx.NamespaceAsync();
        var profile = Some.Profile("a");
        profile.Metadata.Finalizers = [Finalizers.Cleanup];
        await Objects.CreateAsync(fx.Client, ns, profile);
        await Objects.DeleteAsync(fx.Client, ns, "a");
        Assert.NotNull((await Objects.GetAsync(fx.Client, ns, "a")).Metadata.DeletionTimestamp);

        var reconciler = new TestReconciler { Finalizer = null };
        await using var running = Start(ns, reconciler);

        await Eventually.TrueAsync(async () => !await Objects.ExistsAsync(fx.Client, ns, "a"), "the stuck object gone");
        Assert.Equal(0, reconciler.Finalizes);
        Assert.Equal(0, reconciler.Reconciles);
    }

    [Fact]
    public async Task RunAsync_RemovesObjectOnlyAfterFinalizeSucceeded_WhenObjectIsDeleted()
    {
        var ns = await fx.NamespaceAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new TestReconciler
        {
            OnFinalize = async (_, call) =>
            {
                if (call == 1)
                {
                    throw new InvalidOperationException("cleanup failed once");
                }

                await release.Task;
            },
        };
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await using var running = Start(ns, reconciler);
        await Eventually.TrueAsync(() => reconciler.Reconciles > 0, "first reconcile");

        await Objects.DeleteAsync(fx.Client, ns, "a");
        await Eventually.TrueAsync(() => reconciler.Finalizes == 2, "finalize retried after its failure");
        var pending = await Objects.GetAsync(fx.Client, ns, "a");
        Assert.NotNull(pending.Metadata.DeletionTimestamp);
        Assert.True(pending.HasFinalizer(Finalizers.Cleanup));

        release.SetResult();
        await Eventually.TrueAsync(async () => !await Objects.ExistsAsync(fx.Client, ns, "a"), "object gone after finalize");
        Assert.Equal(2, reconciler.Finalizes);
    }

    [Fact]
    public async Task RunAsync_RetriesWithGrowingBackoff_WhenReconcileThrows()
    {
        var ns = await fx.NamespaceAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var calls = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        var reconciler = new TestReconciler
        {
            OnReconcile = (_, call) =>
            {
                calls.Enqueue(time.GetUtcNow());
                return call < 3 ? throw new InvalidOperationException("boom") : Task.FromResult(ReconcileResult.Done);
            },
        };
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await using var running = Start(ns, reconciler, time);

        await AdvanceUntilAsync(time, TimeSpan.FromMilliseconds(500), () => reconciler.Reconciles >= 3, "retried twice");

        var at = calls.ToArray();
        Assert.Equal(3, at.Length);
        Assert.True(at[1] - at[0] >= TimeSpan.FromSeconds(1), $"first retry after {at[1] - at[0]}");
        Assert.True(at[2] - at[1] >= TimeSpan.FromSeconds(2), $"second retry after {at[2] - at[1]}");
    }

    [Fact]
    public async Task RunAsync_ReconcilesAgain_WhenRequeueAfterElapses()
    {
        var ns = await fx.NamespaceAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var calls = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        var reconciler = new TestReconciler
        {
            OnReconcile = (_, call) =>
            {
                calls.Enqueue(time.GetUtcNow());
                return Task.FromResult(call == 1 ? ReconcileResult.RequeueAfter(TimeSpan.FromHours(1)) : ReconcileResult.Done);
            },
        };
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await using var running = Start(ns, reconciler, time);
        await Eventually.TrueAsync(() => reconciler.Reconciles == 1, "first reconcile");

        await AdvanceUntilAsync(time, TimeSpan.FromMinutes(10), () => reconciler.Reconciles == 2, "requeued reconcile");

        var at = calls.ToArray();
        Assert.Equal(2, at.Length);
        Assert.True(at[1] - at[0] >= TimeSpan.FromHours(1), $"requeued after {at[1] - at[0]}");
        Assert.Equal(1, reconciler.Reconciled.First().Metadata.Generation);
    }

    [Fact]
    public async Task RunAsync_ReconcilesEveryObjectAgain_WhenResyncPeriodElapses()
    {
        var ns = await fx.NamespaceAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var reconciler = new TestReconciler();
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("b"));
        await using var running = Start(ns, reconciler, time);
        await Eventually.TrueAsync(() => reconciler.Reconciles == 2, "first reconciles");

        await AdvanceUntilAsync(time, TimeSpan.FromHours(10), () => reconciler.Reconciles >= 4, "resync");
        Assert.Equal(2, reconciler.Reconciled.Count(e => e.Metadata.Name == "a"));
        Assert.Equal(2, reconciler.Reconciled.Count(e => e.Metadata.Name == "b"));
    }

    [Fact]
    public async Task RunAsync_ReconcilesNewGenerationAndRunNowAnnotation_WhenObjectChanges()
    {
        var ns = await fx.NamespaceAsync();
        var reconciler = new TestReconciler();
        var writer = new StatusWriter(new CustomResourceClient(fx.Client), NullLogger<StatusWriter>.Instance);
        reconciler.OnReconcile = async (entity, _) =>
        {
            await writer.UpdateAsync(entity, (EncryptionProfileRefStatus s) => Conditions.Set(s.Conditions ??= [], Conditions.Ready(ConditionReasons.Succeeded, "ok", entity.Metadata.Generation)), CancellationToken.None);
            return ReconcileResult.Done;
        };
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));
        await using var running = Start(ns, reconciler);
        await Eventually.TrueAsync(async () => (await Objects.GetAsync(fx.Client, ns, "a")).Status.ObservedGeneration == 1, "status written");

        await Objects.PatchAsync(fx.Client, ns, "a", """{"spec":{"secretRef":{"name":"other"}}}""");
        await Eventually.TrueAsync(() => reconciler.Reconciled.Any(e => e.Metadata.Generation == 2), "generation 2 reconciled");
        await Eventually.TrueAsync(async () => (await Objects.GetAsync(fx.Client, ns, "a")).Status.ObservedGeneration == 2, "observedGeneration 2");

        await Objects.PatchAsync(fx.Client, ns, "a", "{\"metadata\":{\"annotations\":{\"" + ApiGroup.RunNowAnnotation + "\":\"now\"}}}");
        await Eventually.TrueAsync(
            () => reconciler.Reconciled.Any(e => e.Metadata.Annotations is { } a && a.TryGetValue(ApiGroup.RunNowAnnotation, out var v) && v == "now"),
            "run-now reconciled");
    }

    [Fact]
    public async Task RunAsync_ReconcilesOnItsOwnLatestWrite_WhenCacheHasNotSeenIt()
    {
        var ns = await fx.NamespaceAsync();
        var profile = Some.Profile("a");

        // With the finalizer already there, no finalizer patch (and its conflict re-read) hides a stale cache.
        profile.Metadata.Finalizers = [Finalizers.Cleanup];
        await Objects.CreateAsync(fx.Client, ns, profile);

        // The informer lists, but its watch is refused: the cache never sees the status written below.
        using var noWatch = fx.Cluster.Faults.Add(DevCluster.Faults.FaultRule.Status(503, pathPattern: $"*/namespaces/{ns}/encryptionprofilerefs?*watch=true*", method: "GET"));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        StatusWriter? writer = null;
        var reconciler = new TestReconciler
        {
            OnReconcile = async (entity, call) =>
            {
                seen.Enqueue(entity.Status.KeyId);
                if (call > 1)
                {
                    return ReconcileResult.Done;
                }

                await writer!.UpdateAsync(entity, (EncryptionProfileRefStatus s) =>
                {
                    s.KeyId = "written-by-call-1";
                    return true;
                }, CancellationToken.None);
                return ReconcileResult.RequeueAfter(TimeSpan.Zero);
            },
        };
        await using var running = Start(ns, reconciler, resources: client =>
        {
            var resources = new CustomResourceClient(client);
            writer = new StatusWriter(resources, NullLogger<StatusWriter>.Instance);
            return resources;
        });

        await Eventually.TrueAsync(() => seen.Count >= 2, "second reconcile");
        Assert.Equal([null, "written-by-call-1"], seen.Take(2));
    }
}
