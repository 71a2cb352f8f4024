using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace DBackup.DevCluster.Tests.Server;

public sealed class LeaderElectionTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private LeaderElector Elector(IKubernetes client, string ns, string identity) =>
        new(new LeaderElectionConfig(new LeaseLock(client, ns, "leader", identity))
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });

    private static async Task StoppedAsync(Task run)
    {
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // Cancelling is how an elector is stopped.
        }
    }

    [Fact]
    public async Task LeaseLock_ElectsOneLeader_AndHandsOverWhenItStops()
    {
        var ns = await fx.NamespaceAsync();
        using var clientA = fx.Cluster.CreateClient();
        using var clientB = fx.Cluster.CreateClient();
        using var a = Elector(clientA, ns, "a");
        using var b = Elector(clientB, ns, "b");
        var aLeads = new TaskCompletionSource();
        var bLeads = new TaskCompletionSource();
        a.OnStartedLeading += () => aLeads.TrySetResult();
        b.OnStartedLeading += () => bLeads.TrySetResult();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();

        var runA = a.RunUntilLeadershipLostAsync(stopA.Token);
        await aLeads.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var runB = b.RunAndTryToHoldLeadershipForeverAsync(stopB.Token);
        await Task.Delay(700);
        Assert.False(bLeads.Task.IsCompleted);
        var lease = await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("leader", ns);
        Assert.Equal("a", lease.Spec.HolderIdentity);

        await stopA.CancelAsync();
        await StoppedAsync(runA);
        await bLeads.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("b", (await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("leader", ns)).Spec.HolderIdentity);
        await stopB.CancelAsync();
        await StoppedAsync(runB);
    }
}
