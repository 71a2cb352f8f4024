using System.Text;
using DBackup.Operator.Backups;
using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Backups;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>
/// One restore test's world on the shared DevCluster: a namespace with a backed-up policy (through the real
/// runner), and MetaBackupRestore reconcilers wired like the operator's, logging into one <see cref="LogSink"/>.
/// </summary>
internal sealed class RestoreWorld : IAsyncDisposable
{
    public const string Canary = "restore-canary-7d41c9e2";

    private RestoreWorld(RunnerWorld backups) => Backups = backups;

    public RunnerWorld Backups { get; }

    public IKubernetes Client => Backups.Client;

    public string Namespace => Backups.Namespace;

    public LogSink Logs { get; } = new();

    public static async Task<RestoreWorld> CreateAsync(OperatorClusterFixture cluster) => new(await RunnerWorld.CreateAsync(cluster));

    /// <summary>A fresh reconciler, as a (re)started operator would have; <paramref name="admin"/> are the admin namespaces.</summary>
    public MetaBackupRestoreReconciler Reconciler(params string[] admin) => Reconciler(new BackupSlots(), admin);

    /// <summary>A fresh reconciler taking run slots from <paramref name="slots"/>.</summary>
    public MetaBackupRestoreReconciler Reconciler(BackupSlots slots, params string[] admin) => new(
        Client,
        new PolicyBackupRunnerOptions { AdminNamespaces = admin, TempDirectory = Backups.TempDirectory, ClusterName = "test-cluster" },
        new StatusWriter(new CustomResourceClient(Client), Logs.For<StatusWriter>()),
        slots,
        Backups.History,
        new EventRecorder(Client, Logs.For<EventRecorder>()),
        TimeProvider.System,
        Logs.For<MetaBackupRestoreReconciler>(),
        Logs.For<RestoreEngine>());

    /// <summary>
    /// ConfigMaps <c>app</c> (color blue) and <c>other</c>, Secret <c>db</c> holding <see cref="Canary"/>, an encrypted
    /// policy <c>nightly</c> over ConfigMaps and Secrets, and one backup of them; returns the profile's key.
    /// </summary>
    public async Task<EncryptionKey> BackedUpAsync(string policy = "nightly", Action<MetaBackupPolicySpec>? change = null)
    {
        await Backups.ConfigMapAsync("app", "blue");
        await Backups.ConfigMapAsync("other", "green");
        await Backups.SecretAsync("db", "password", Canary);
        var key = await Backups.ProfileAsync();
        await BackupAsync(policy, create: true, change);
        return key;
    }

    /// <summary>Runs one more backup of <paramref name="policy"/> (creating it first when asked), a minute after the last.</summary>
    public async Task<string> BackupAsync(string policy = "nightly", bool create = false, Action<MetaBackupPolicySpec>? change = null)
    {
        var entity = create
            ? await Backups.PolicyAsync(s =>
            {
                s.IncludeSecrets = true;
                s.EncryptionProfileRef = new LocalObjectReference { Name = "main" };
                s.Sources = [new Entities.BackupSource { Name = "app", Kubernetes = new KubernetesSource { Resources = ["configmaps", "secrets"] } }];
                change?.Invoke(s);
            }, policy)
            : await Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(ApiGroup.Group, ApiGroup.Version, Namespace, ApiGroup.MetaBackupPolicyPlural, policy);
        Backups.Time.Advance(TimeSpan.FromMinutes(1));
        var result = await Backups.Runner.RunAsync(entity, "manual", CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);
        return result.Backup!.Name;
    }

    public async Task<MetaBackupRestore> CreateRestoreAsync(Action<MetaBackupRestoreSpec> spec, string name = "restore")
    {
        var restore = new MetaBackupRestore { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace } };
        spec(restore.Spec);
        return await Client.CustomObjects.CreateNamespacedCustomObjectAsync<MetaBackupRestore>(restore, ApiGroup.Group, ApiGroup.Version, Namespace, ApiGroup.MetaBackupRestorePlural);
    }

    public Task<MetaBackupRestore> GetRestoreAsync(string name = "restore") =>
        Client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupRestore>(ApiGroup.Group, ApiGroup.Version, Namespace, ApiGroup.MetaBackupRestorePlural, name);

    /// <summary>Reconciles the stored restore once with <paramref name="reconciler"/> (a fresh one when null) and returns it as stored afterwards.</summary>
    public async Task<MetaBackupRestore> ReconcileAsync(string name = "restore", MetaBackupRestoreReconciler? reconciler = null)
    {
        await (reconciler ?? Reconciler()).ReconcileAsync(await GetRestoreAsync(name), CancellationToken.None);
        return await GetRestoreAsync(name);
    }

    public async Task<string?> ColorAsync(string configMap = "app")
    {
        try
        {
            return (await Client.CoreV1.ReadNamespacedConfigMapAsync(configMap, Namespace)).Data?["color"];
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task SetColorAsync(string color, string configMap = "app") =>
        Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"color\":\"" + color + "\"}}", V1Patch.PatchType.MergePatch), configMap, Namespace);

    public async Task<string?> SecretValueAsync(string name = "db")
    {
        try
        {
            var secret = await Client.CoreV1.ReadNamespacedSecretAsync(name, Namespace);
            return Encoding.UTF8.GetString(secret.Data!["password"]);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<List<Corev1Event>> EventsAsync(MetaBackupRestore restore) =>
        (await Client.CoreV1.ListNamespacedEventAsync(Namespace)).Items.Where(e => e.InvolvedObject.Uid == restore.Metadata.Uid).ToList();

    public ValueTask DisposeAsync() => Backups.DisposeAsync();
}
