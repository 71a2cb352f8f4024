using System.Text;
using DBackup.Operator.Entities;
using DBackup.Operator.Hosting;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DBackup.Operator.Tests.Hosting;

/// <summary>
/// The whole operator process against DevCluster: leader election, informers, both reconcilers, the runner,
/// history, events, status and the HTTP endpoints — what `dbackup operator` runs in a pod.
/// </summary>
public sealed class OperatorHostTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>, IDisposable
{
    private const string Canary = "operator-canary-3f9e1c";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dbackup-operator-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Operator_ReconcilesProfileAndRunsManualBackup_AndServesHealthAndMetrics()
    {
        var client = cluster.Client;
        var ns = await cluster.NamespaceAsync();
        var key = EncryptionKey.Generate();
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "backup-key" }, Data = new Dictionary<string, byte[]> { ["key"] = Encoding.UTF8.GetBytes(key.ToFileText()) } }, ns);
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "db" }, StringData = new Dictionary<string, string> { ["password"] = Canary } }, ns);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "app" }, Data = new Dictionary<string, string> { ["color"] = "blue" } }, ns);
        await Objects.CreateAsync(client, ns, Some.Profile(name: "main", @namespace: ns));
        var policy = Some.Policy(name: "nightly", @namespace: ns, schedule: "0 3 1 1 *");
        policy.Metadata.Annotations = new Dictionary<string, string> { [ApiGroup.RunNowAnnotation] = "now" };
        policy.Spec.IncludeSecrets = true;
        policy.Spec.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
        policy.Spec.Sources = [new BackupSource { Name = "app", Kubernetes = new KubernetesSource { Resources = ["configmaps", "secrets"] } }];
        policy.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = Path.Combine(_root.FullName, "backups") } };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(policy, ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural);

        var settings = new OperatorSettings { Kubeconfig = cluster.Cluster.KubeconfigPath, DataDir = Path.Combine(_root.FullName, "data"), LeaderElect = true, Port = 0, ListenAddress = "127.0.0.1", AdminNamespaces = ["dbackup-system"], LogFormat = "text" };
        await using var app = await OperatorHost.BuildAsync(settings, CancellationToken.None);
        await app.StartAsync();
        try
        {
            MetaBackupPolicy stored = null!;
            await Eventually.TrueAsync(async () =>
            {
                stored = await client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, "nightly");
                return stored.Status?.LastSuccessfulBackup is not null;
            }, "the run-now backup to succeed", TimeSpan.FromSeconds(30));
            await Eventually.TrueAsync(async () => (await Objects.GetAsync(client, ns, "main")).Status?.KeyId == key.KeyId, "the profile to publish its keyId", TimeSpan.FromSeconds(30));

            Assert.Equal("manual", Assert.Single(stored.Status.RecentRuns!).Trigger);
            Assert.Equal(3, stored.Status.LastSuccessfulBackup!.Objects);
            Assert.DoesNotContain(Canary, KubernetesJson.Serialize(stored), StringComparison.Ordinal);
            var events = (await client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.InvolvedObject.Name == "nightly").Select(e => e.Reason).ToList();
            Assert.Contains("BackupSucceeded", events);

            using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
            Assert.Equal("ok", await http.GetStringAsync("/healthz"));
            Assert.Equal("ok", await http.GetStringAsync("/readyz"));
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains($"dbackup_backup_runs_total{{namespace=\"{ns}\",policy=\"nightly\",trigger=\"manual\",result=\"succeeded\"}} 1", metrics, StringComparison.Ordinal);
            Assert.Contains($"dbackup_backup_last_objects{{namespace=\"{ns}\",policy=\"nightly\"}} 3", metrics, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Operator_StoppedMidBackup_LeavesNothingListedAndNoTempFiles()
    {
        var client = cluster.Client;
        var ns = await cluster.NamespaceAsync();
        for (var i = 0; i < 30; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{i}" } }, ns);
        }

        var policy = Some.Policy(name: "slow", @namespace: ns, schedule: "0 3 1 1 *");
        policy.Metadata.Annotations = new Dictionary<string, string> { [ApiGroup.RunNowAnnotation] = "now" };
        var backups = Path.Combine(_root.FullName, "backups");
        policy.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = backups } };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(policy, ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural);

        // Every LIST page of this namespace's ConfigMaps takes 3 s, so the run is still collecting when the host stops.
        using var slow = cluster.Cluster.Faults.Add(new DevCluster.Faults.FaultRule { Method = "GET", PathPattern = $"/api/v1/namespaces/{ns}/configmaps?*", Latency = TimeSpan.FromSeconds(3) });
        var data = Path.Combine(_root.FullName, "data");
        var settings = new OperatorSettings { Kubeconfig = cluster.Cluster.KubeconfigPath, DataDir = data, Port = 0, ListenAddress = "127.0.0.1", LogFormat = "text" };
        await using var app = await OperatorHost.BuildAsync(settings, CancellationToken.None);
        await app.StartAsync();
        await Eventually.TrueAsync(
            async () => (await client.CoreV1.ListNamespacedEventAsync(ns)).Items.Any(e => e.InvolvedObject.Name == "slow" && e.Reason == "BackupStarted"),
            "the run to start", TimeSpan.FromSeconds(30));

        await app.StopAsync();

        var files = Directory.Exists(backups) ? Directory.GetFiles(backups, "*", SearchOption.AllDirectories) : [];
        Assert.DoesNotContain(files, f => f.EndsWith(".meta.json", StringComparison.Ordinal));
        Assert.Empty(await Pipeline.Storage.BackupCatalog.ListAsync(new Pipeline.Storage.FilesystemDestination(backups), "slow", CancellationToken.None));
        var temp = Path.Combine(data, "tmp");
        Assert.Empty(Directory.Exists(temp) ? Directory.GetFiles(temp, "*", SearchOption.AllDirectories) : []);
    }

    private static string Address(Microsoft.AspNetCore.Builder.WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
