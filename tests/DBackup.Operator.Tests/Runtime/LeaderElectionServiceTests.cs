using DBackup.Operator.Runtime;
using DBackup.Operator.Tests.Support;
using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Tests.Runtime;

public sealed class LeaderElectionServiceTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    /// <summary>A controller that only records whether it runs.</summary>
    private sealed class RecordingLoop : IControllerLoop
    {
        private int _running;
        private int _starts;

        public string Name => "recording";

        public bool Running => Volatile.Read(ref _running) == 1;

        public int Starts => Volatile.Read(ref _starts);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _starts);
            Volatile.Write(ref _running, 1);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        }
    }

    private sealed class FakeLifetime : IHostApplicationLifetime
    {
        private int _stops;

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public int Stops => Volatile.Read(ref _stops);

        public void StopApplication() => Interlocked.Increment(ref _stops);
    }

    private static LeaderElectionOptions Options(string ns, string identity) => new()
    {
        LeaseNamespace = ns,
        Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task ExecuteAsync_RunsLoopsOnlyOnLeader_AndOtherTakesOverWhenLeaderStops()
    {
        var ns = await fx.NamespaceAsync();
        using var clientA = fx.Cluster.CreateClient();
        using var clientB = fx.Cluster.CreateClient();
        RecordingLoop loopA = new(), loopB = new();
        FakeLifetime lifetimeA = new(), lifetimeB = new();
        using var a = new LeaderElectionService(clientA, [loopA], Options(ns, "a"), lifetimeA, NullLogger<LeaderElectionService>.Instance);
        using var b = new LeaderElectionService(clientB, [loopB], Options(ns, "b"), lifetimeB, NullLogger<LeaderElectionService>.Instance);

        await a.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => loopA.Running, "a leads");
        await b.StartAsync(CancellationToken.None);

        // b keeps competing over several renewals of a's lease without ever starting its loops.
        for (var renewals = 0; renewals < 3; renewals++)
        {
            var renewed = (await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("dbackup-operator-leader", ns)).Spec.RenewTime;
            await Eventually.TrueAsync(async () => (await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("dbackup-operator-leader", ns)).Spec.RenewTime != renewed, "lease renewed");
        }

        Assert.Equal(0, loopB.Starts);
        Assert.True(a.IsLeading);
        Assert.Equal("a", (await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("dbackup-operator-leader", ns)).Spec.HolderIdentity);

        await a.StopAsync(CancellationToken.None);
        Assert.False(loopA.Running);
        await Eventually.TrueAsync(() => loopB.Running, "b takes over");
        Assert.Equal("b", (await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("dbackup-operator-leader", ns)).Spec.HolderIdentity);
        Assert.Equal(0, lifetimeA.Stops);

        await b.StopAsync(CancellationToken.None);
        Assert.False(loopB.Running);
        Assert.Equal(0, lifetimeB.Stops);
    }

    [Fact]
    public async Task ExecuteAsync_StopsLoopsAndApplication_WhenLeaseCannotBeRenewed()
    {
        var lease = new InMemoryLease();
        var lockA = new InMemoryLock(lease, "a");
        var loop = new RecordingLoop();
        var lifetime = new FakeLifetime();
        using var service = new LeaderElectionService(() => lockA, [loop], Options("ns", "a"), lifetime, NullLogger<LeaderElectionService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => loop.Running, "leading");
        Assert.Equal("a", lease.Holder);

        lockA.Fail = true;

        await Eventually.TrueAsync(() => lifetime.Stops == 1, "application stopped");
        Assert.False(loop.Running);
        Assert.False(service.IsLeading);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_RunsLoopsWithoutLease_WhenDisabled()
    {
        var lease = new InMemoryLease();
        var loop = new RecordingLoop();
        var lifetime = new FakeLifetime();
        using var service = new LeaderElectionService(() => new InMemoryLock(lease, "a"), [loop], Options("ns", "a") with { Enabled = false }, lifetime, NullLogger<LeaderElectionService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => loop.Running, "running");
        Assert.Null(lease.Holder);

        await service.StopAsync(CancellationToken.None);
        Assert.False(loop.Running);
        Assert.Equal(0, lifetime.Stops);
    }

    [Fact]
    public async Task InMemoryLock_GrantsLeaseToOneContender_UntilItExpires()
    {
        var lease = new InMemoryLease();
        var config = (string id) => new k8s.LeaderElection.LeaderElectionConfig(new InMemoryLock(lease, id))
        {
            LeaseDuration = TimeSpan.FromSeconds(1),
            RenewDeadline = TimeSpan.FromMilliseconds(500),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        };
        using var a = new k8s.LeaderElection.LeaderElector(config("a"));
        using var b = new k8s.LeaderElection.LeaderElector(config("b"));
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var bLeads = false;
        b.OnStartedLeading += () => bLeads = true;

        var runA = a.RunUntilLeadershipLostAsync(stopA.Token);
        await Eventually.TrueAsync(() => lease.Holder == "a", "a holds the lease");
        var runB = b.RunUntilLeadershipLostAsync(stopB.Token);
        await Task.Delay(300);
        Assert.False(bLeads);

        await stopA.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runA);
        await Eventually.TrueAsync(() => bLeads && lease.Holder == "b", "b takes the expired lease");
        await stopB.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runB);
    }
}
