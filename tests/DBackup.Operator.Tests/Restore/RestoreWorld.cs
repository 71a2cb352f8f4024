using System.Text;
using System.Text.Json.Nodes;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Restore;
using DBackup.Pipeline.Storage;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Restore;

/// <summary>One restore test's world: a namespace in the shared DevCluster, a backup folder, a key, the engine.</summary>
internal sealed class RestoreWorld : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dbackup-restore-");

    private RestoreWorld(OperatorClusterFixture cluster, string ns)
    {
        Cluster = cluster;
        Namespace = ns;
        Api = new KubeApi((k8s.Kubernetes)cluster.Client);
        Destination = new FilesystemDestination(Path.Combine(_root.FullName, "backups"));
    }

    public OperatorClusterFixture Cluster { get; }

    public IKubernetes Client => Cluster.Client;

    public KubeApi Api { get; }

    public string Namespace { get; }

    public string Root => _root.FullName;

    public FilesystemDestination Destination { get; }

    public EncryptionKey Key { get; } = EncryptionKey.Generate();

    public static async Task<RestoreWorld> CreateAsync(OperatorClusterFixture cluster) => new(cluster, await cluster.NamespaceAsync());

    public Task ConfigMapAsync(string name, string value = "blue", string? ns = null) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["color"] = value } }, ns ?? Namespace);

    public Task SecretAsync(string name, string value, string? ns = null) =>
        Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes(value) } }, ns ?? Namespace);

    public async Task<string> ColorAsync(string name, string? ns = null) =>
        (await Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns ?? Namespace)).Data["color"];

    public async Task SetColorAsync(string name, string color, string? ns = null)
    {
        var cm = await Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns ?? Namespace);
        cm.Data["color"] = color;
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, name, ns ?? Namespace);
    }

    public async Task<string> PasswordAsync(string name, string? ns = null) =>
        Encoding.UTF8.GetString((await Client.CoreV1.ReadNamespacedSecretAsync(name, ns ?? Namespace)).Data["password"]);

    /// <summary>Backs up resources of this namespace (and <paramref name="extra"/> sources) with the collector and the pipeline, encrypted with <see cref="Key"/>.</summary>
    public async Task<BackupResult> BackupAsync(bool includeSecrets = true, string[]? resources = null, string policy = "nightly", params CollectionSource[] extra)
    {
        var source = new CollectionSource { Component = "app", Resources = resources ?? ["configmaps", "secrets"], Namespaces = [Namespace] };
        var request = new BackupRequest { Policy = policy, Trigger = "manual", Key = Key, IncludesSecrets = includeSecrets, TempDirectory = Root };
        var objects = new ObjectCollector(Api).CollectAsync([source, .. extra], includeSecrets, new CollectionStats(), CancellationToken.None);
        return await new BackupPipeline().WriteAsync(request, objects, Destination, CancellationToken.None);
    }

    /// <summary>This namespace's objects of <paramref name="resources"/>, collected as a policy run would (Secrets kept).</summary>
    public IAsyncEnumerable<DBackup.Pipeline.Archive.BackupObject> Collect(params string[] resources) =>
        new ObjectCollector(Api).CollectAsync(
            [new CollectionSource { Component = "app", Resources = resources, Namespaces = [Namespace] }], true, new CollectionStats(), CancellationToken.None);

    /// <summary>A request for the latest backup of <c>nightly</c> with <see cref="Key"/>.</summary>
    public RestoreRequest Request(RestoreMode mode = RestoreMode.Merge, RestoreSelection? selection = null, bool dryRun = false, string policy = "nightly") => new()
    {
        Source = Destination,
        Policy = policy,
        Keys = new KeyRing(Key),
        Mode = mode,
        Selection = selection ?? RestoreSelection.All,
        DryRun = dryRun,
    };

    public RestoreSelection Map(string to, string? from = null) =>
        new() { NamespaceMapping = new Dictionary<string, string> { [from ?? Namespace] = to } };

    public Task<RestoreResult> RestoreAsync(RestoreRequest request) => new RestoreEngine(Api).RunAsync(request, CancellationToken.None);

    /// <summary>Every object of a namespace's ConfigMaps and Secrets as JSON text, keyed by kind/name, server fields removed.</summary>
    public async Task<SortedDictionary<string, string>> SnapshotAsync(string ns)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in new[] { "configmaps", "secrets" })
        {
            using var doc = await Api.GetAsync($"/api/v1/namespaces/{ns}/{resource}", CancellationToken.None);
            foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                var obj = DBackup.Pipeline.Objects.ObjectCleaner.Clean(JsonNode.Parse(item.GetRawText())!.AsObject());
                result[$"{resource}/{obj["metadata"]!["name"]}"] = obj.ToJsonString();
            }
        }

        return result;
    }

    public static RestoreItemResult Item(RestoreResult result, string name) => Assert.Single(result.Items, i => i.Name == name);

    public void Dispose() => _root.Delete(recursive: true);
}
