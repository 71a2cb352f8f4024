using DBackup.Operator.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace DBackup.Operator.Tests.Runtime;

public sealed class WorkQueueTests
{
    private static readonly ResourceKey A = new("ns", "a");
    private static readonly ResourceKey B = new("ns", "b");

    private static async Task<ResourceKey> NextAsync(WorkQueue<ResourceKey> queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (ok, key) = await queue.GetAsync(timeout.Token);
        Assert.True(ok);
        return key;
    }

    [Fact]
    public async Task Add_QueuesKeyOnce_WhenAddedRepeatedly()
    {
        using var queue = new WorkQueue<ResourceKey>(new FakeTimeProvider());
        queue.Add(A);
        queue.Add(A);
        queue.Add(B);
        queue.Add(A);

        Assert.Equal(2, queue.Count);
        Assert.Equal(A, await NextAsync(queue));
        Assert.Equal(B, await NextAsync(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Add_DefersKeyUntilDone_WhenKeyIsBeingProcessed()
    {
        using var queue = new WorkQueue<ResourceKey>(new FakeTimeProvider());
        queue.Add(A);
        var first = await NextAsync(queue);

        queue.Add(A);
        queue.Add(A);

        // In flight: a second worker must not get it.
        Assert.Equal(0, queue.Count);
        var second = queue.GetAsync(CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);

        queue.Done(first);
        var (ok, key) = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ok);
        Assert.Equal(A, key);
        queue.Done(key);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Done_DoesNotRequeue_WhenKeyWasNotAddedMeanwhile()
    {
        using var queue = new WorkQueue<ResourceKey>(new FakeTimeProvider());
        queue.Add(A);
        Assert.True(queue.GetAsync(CancellationToken.None).AsTask().IsCompletedSuccessfully);

        queue.Done(A);

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void AddAfter_QueuesKeyOnlyWhenDelayHasPassed()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<ResourceKey>(time);

        queue.AddAfter(A, TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, queue.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void AddAfter_KeepsEarlierTime_WhenKeyIsAlreadyWaiting()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<ResourceKey>(time);

        queue.AddAfter(A, TimeSpan.FromSeconds(10));
        queue.AddAfter(A, TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, queue.Count);

        queue.AddAfter(B, TimeSpan.FromSeconds(60));
        queue.AddAfter(B, TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void AddRateLimited_DoublesDelayUpToFiveMinutes_AndForgetResetsIt()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<ResourceKey>(time);

        var delays = Enumerable.Range(0, 11).Select(_ => queue.AddRateLimited(A)).ToList();

        Assert.Equal(
            new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300 }.Select(s => TimeSpan.FromSeconds(s)),
            delays);
        Assert.Equal(11, queue.Failures(A));

        queue.Forget(A);
        Assert.Equal(0, queue.Failures(A));
        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited(A));
    }

    [Fact]
    public void AddRateLimited_QueuesKeyAfterBackoff()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<ResourceKey>(time);
        queue.AddRateLimited(A);
        queue.AddRateLimited(B);
        queue.AddRateLimited(B);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, queue.Count);
        Assert.Equal(2, queue.Failures(B));
    }

    [Fact]
    public async Task ShutDown_EndsWaitingGetAndIgnoresLaterAdds()
    {
        var time = new FakeTimeProvider();
        var queue = new WorkQueue<ResourceKey>(time);
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();
        queue.AddAfter(A, TimeSpan.FromSeconds(1));

        queue.ShutDown();
        queue.Add(B);
        time.Advance(TimeSpan.FromSeconds(5));

        var (ok, _) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(ok);
        Assert.Equal(0, queue.Count);
    }
}
