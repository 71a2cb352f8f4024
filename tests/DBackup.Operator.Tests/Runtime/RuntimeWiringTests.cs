using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using DBackup.Operator.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DBackup.Operator.Tests.Runtime;

public sealed class RuntimeWiringTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    [Fact]
    public async Task AddDBackupRuntime_ReconcilesThroughKubeconfigAndLeaderElection_WhenHostRuns()
    {
        var ns = await fx.NamespaceAsync();
        var reconciler = new TestReconciler();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(reconciler);
        builder.Services
            .AddDBackupRuntime(o =>
            {
                o.KubeconfigPath = fx.Cluster.KubeconfigPath;
                o.LeaderElection = o.LeaderElection with { LeaseNamespace = ns, Identity = "wiring-test", RetryPeriod = TimeSpan.FromMilliseconds(200) };
            })
            .AddReconciler<EncryptionProfileRef, TestReconciler>(c => c with { Informer = c.Informer with { Namespace = ns } });
        using var host = builder.Build();
        await Objects.CreateAsync(fx.Client, ns, Some.Profile("a"));

        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => reconciler.Reconciles > 0, "reconciled through the host");
            var lease = await fx.Client.CoordinationV1.ReadNamespacedLeaseAsync("dbackup-operator-leader", ns);
            Assert.Equal("wiring-test", lease.Spec.HolderIdentity);
            Assert.True((await Objects.GetAsync(fx.Client, ns, "a")).HasFinalizer(Finalizers.Cleanup));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void AddDBackupRuntime_RegistersClientStatusWriterAndOneLoopPerReconciler()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>()
            .AddDBackupRuntime(o => o.KubeconfigPath = fx.Cluster.KubeconfigPath)
            .AddReconciler<EncryptionProfileRef, TestReconciler>();
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<StatusWriter>());
        var loop = Assert.Single(provider.GetServices<IControllerLoop>());
        Assert.Equal(ApiGroup.EncryptionProfileRefKind, loop.Name);
        Assert.Equal("dbackup-operator-leader", provider.GetRequiredService<LeaderElectionOptions>().LeaseName);
        Assert.IsType<LeaderElectionService>(Assert.Single(provider.GetServices<IHostedService>()));
    }
}
