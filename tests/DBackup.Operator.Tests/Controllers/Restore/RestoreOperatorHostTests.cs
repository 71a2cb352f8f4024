using System.Text;
using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using DBackup.Operator.Hosting;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>
/// Restores and drills through the whole operator process on DevCluster (leader election, informers, both
/// MetaBackupPolicy controllers, the restore controller, history, events, metrics), including restarts.
/// </summary>
public sealed class RestoreOperatorHostTests(OperatorClusterFixture cluster) : IClassFixture<OperatorClusterFixture>, IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dbackup-restore-host-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Operator_RestoresOnce_RunsDrillOnVerifyNow_AndNeverRestoresAgainAfterARestart()
    {
        var client = cluster.Client;
        var ns = await ArrangeBackedUpPolicyAsync();
        await using (var app = await StartAsync())
        {
            await WaitForBackupAsync(ns);
            await SetColorAsync(ns, "red");
            await CreateRestoreAsync(ns, "disaster", dryRun: false);
            var restore = await WaitForPhaseAsync(ns, "disaster");
            Assert.Equal(RestorePhase.Succeeded, restore.Status!.Phase);
            Assert.Equal("blue", await ColorAsync(ns));

            await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch($"{{\"metadata\":{{\"annotations\":{{\"{RestoreDrillReconciler.VerifyNowAnnotation}\":\"1\"}}}}}}", V1Patch.PatchType.MergePatch),
                ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, "nightly");
            MetaBackupPolicy policy = null!;
            await Eventually.TrueAsync(async () => (policy = await GetPolicyAsync(ns)).Status?.LastVerification is not null, "the drill to run", TimeSpan.FromSeconds(30));
            Assert.Equal("Succeeded", policy.Status.LastVerification!.Result);
            Assert.NotNull(policy.Status.LastSuccessfulBackup);

            using var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains($"dbackup_restore_runs_total{{namespace=\"{ns}\",result=\"succeeded\",dry_run=\"false\"}} 1", metrics, StringComparison.Ordinal);
            Assert.Contains($"dbackup_restore_objects_total{{namespace=\"{ns}\",action=\"update\",dry_run=\"false\"}} 1", metrics, StringComparison.Ordinal);
            Assert.Contains($"dbackup_verification_runs_total{{namespace=\"{ns}\",policy=\"nightly\",result=\"succeeded\"}} 1", metrics, StringComparison.Ordinal);
            var everything = KubernetesJson.Serialize(restore) + string.Join('\n', (await client.CoreV1.ListNamespacedEventAsync(ns)).Items.Select(e => e.Message));
            Assert.DoesNotContain(RestoreWorld.Canary, everything, StringComparison.Ordinal);
            await app.StopAsync();
        }

        // A new operator process over the same cluster: the finished restore stays finished, whatever happens to the objects.
        await SetColorAsync(ns, "green");
        var before = KubernetesJson.Serialize((await GetRestoreAsync(ns, "disaster")).Status);
        await using (var app = await StartAsync())
        {
            await CreateRestoreAsync(ns, "later-plan", dryRun: true);
            await WaitForPhaseAsync(ns, "later-plan");
            await app.StopAsync();
        }

        Assert.Equal("green", await ColorAsync(ns));
        Assert.Equal(before, KubernetesJson.Serialize((await GetRestoreAsync(ns, "disaster")).Status));
    }

    [Fact]
    public async Task Operator_StoppedWhileApplying_LeavesARestoreTheNextOperatorMarksInterrupted()
    {
        var ns = await ArrangeBackedUpPolicyAsync();
        await using (var app = await StartAsync())
        {
            await WaitForBackupAsync(ns);
            await SetColorAsync(ns, "red");
            using var slow = cluster.Cluster.Faults.Add(new DevCluster.Faults.FaultRule { Method = "PUT", PathPattern = $"/api/v1/namespaces/{ns}/configmaps/*", Latency = TimeSpan.FromSeconds(30) });
            await CreateRestoreAsync(ns, "disaster", dryRun: false);
            await Eventually.TrueAsync(
                async () => Conditions.Find((await GetRestoreAsync(ns, "disaster")).Status?.Conditions, ConditionTypes.Running)?.Reason == RestoreReasons.Applying,
                "the restore to start applying", TimeSpan.FromSeconds(30));
            await app.StopAsync();
        }

        Assert.Equal(RestorePhase.Running, (await GetRestoreAsync(ns, "disaster")).Status!.Phase);
        await using (var app = await StartAsync())
        {
            var restore = await WaitForPhaseAsync(ns, "disaster");
            Assert.Equal(RestorePhase.Failed, restore.Status!.Phase);
            Assert.Equal(RestoreReasons.Interrupted, Conditions.Find(restore.Status.Conditions, ConditionTypes.Failed)!.Reason);
            await app.StopAsync();
        }
    }

    private async Task<string> ArrangeBackedUpPolicyAsync()
    {
        var client = cluster.Client;
        var ns = await cluster.NamespaceAsync();
        var key = EncryptionKey.Generate();
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "backup-key" }, Data = new Dictionary<string, byte[]> { ["key"] = Encoding.UTF8.GetBytes(key.ToFileText()) } }, ns);
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "db" }, StringData = new Dictionary<string, string> { ["password"] = RestoreWorld.Canary } }, ns);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "app" }, Data = new Dictionary<string, string> { ["color"] = "blue" } }, ns);
        await Objects.CreateAsync(client, ns, Some.Profile(name: "main", @namespace: ns));
        var policy = Some.Policy(name: "nightly", @namespace: ns, schedule: "0 3 1 1 *");
        policy.Metadata.Annotations = new Dictionary<string, string> { [ApiGroup.RunNowAnnotation] = "now" };
        policy.Spec.IncludeSecrets = true;
        policy.Spec.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
        policy.Spec.Sources = [new Entities.BackupSource { Name = "app", Kubernetes = new KubernetesSource { Resources = ["configmaps", "secrets"] } }];
        policy.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = Path.Combine(_root.FullName, ns, "backups") } };
        policy.Spec.Verify = new VerifySpec { Schedule = "0 4 1 1 *" };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(policy, ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural);
        return ns;
    }

    private async Task<WebApplication> StartAsync()
    {
        var settings = new OperatorSettings
        {
            Kubeconfig = cluster.Cluster.KubeconfigPath, DataDir = Path.Combine(_root.FullName, "data"), LeaderElect = false,
            Port = 0, ListenAddress = "127.0.0.1", AdminNamespaces = ["dbackup-system"], LogFormat = "text",
        };
        var app = await OperatorHost.BuildAsync(settings, CancellationToken.None);
        await app.StartAsync();
        return app;
    }

    private async Task WaitForBackupAsync(string ns) =>
        await Eventually.TrueAsync(async () => (await GetPolicyAsync(ns)).Status?.LastSuccessfulBackup is not null, "the run-now backup", TimeSpan.FromSeconds(30));

    private async Task<MetaBackupRestore> WaitForPhaseAsync(string ns, string name)
    {
        MetaBackupRestore restore = null!;
        await Eventually.TrueAsync(async () => MetaBackupRestoreStatus.IsTerminal((restore = await GetRestoreAsync(ns, name)).Status?.Phase), $"restore {name} to finish", TimeSpan.FromSeconds(30));
        return restore;
    }

    private Task CreateRestoreAsync(string ns, string name, bool dryRun)
    {
        var restore = new MetaBackupRestore { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns } };
        restore.Spec.PolicyRef = new LocalObjectReference { Name = "nightly" };
        restore.Spec.Mode = RestoreMode.Overwrite;
        restore.Spec.DryRun = dryRun;
        return cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(restore, ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupRestorePlural);
    }

    private Task<MetaBackupRestore> GetRestoreAsync(string ns, string name) =>
        cluster.Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupRestore>(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupRestorePlural, name);

    private Task<MetaBackupPolicy> GetPolicyAsync(string ns) =>
        cluster.Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, "nightly");

    private Task SetColorAsync(string ns, string color) =>
        cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"color\":\"" + color + "\"}}", V1Patch.PatchType.MergePatch), "app", ns);

    private async Task<string> ColorAsync(string ns) => (await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("app", ns)).Data["color"];

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
