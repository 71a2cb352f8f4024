using System.Collections.Concurrent;
using System.Text;
using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.History;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DBackup.Operator.Tests.Backups;

/// <summary>Collects formatted log lines (with exceptions) so tests can prove what never appears in them.</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string Text => string.Join('\n', Lines);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        Lines.Enqueue($"scope: {state}");
        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}

/// <summary>One test's world: a namespace in the shared DevCluster, a temp folder, history, events, a runner.</summary>
internal sealed class RunnerWorld : IAsyncDisposable
{
    private readonly DirectoryInfo _root;

    private RunnerWorld(DirectoryInfo root, OperatorClusterFixture cluster, string ns, ExecutionHistory history)
    {
        _root = root;
        Cluster = cluster;
        Namespace = ns;
        History = history;
        Directory.CreateDirectory(TempDirectory);
        Runner = new PolicyBackupRunner(
            Client,
            new PolicyBackupRunnerOptions { TempDirectory = TempDirectory, ClusterName = "test-cluster" },
            history,
            new EventRecorder(Client, new CollectingLogger<EventRecorder>()),
            Time,
            Logger);
    }

    public OperatorClusterFixture Cluster { get; }

    public IKubernetes Client => Cluster.Client;

    public string Namespace { get; }

    public ExecutionHistory History { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public CollectingLogger<PolicyBackupRunner> Logger { get; } = new();

    public PolicyBackupRunner Runner { get; }

    public string Backups => Path.Combine(_root.FullName, "backups");

    public string TempDirectory => Path.Combine(_root.FullName, "tmp");

    public static async Task<RunnerWorld> CreateAsync(OperatorClusterFixture cluster)
    {
        var ns = await cluster.NamespaceAsync();
        var root = Directory.CreateTempSubdirectory("dbackup-runner-");
        var history = await ExecutionHistory.OpenAsync(Path.Combine(root.FullName, "data", "history.db"));
        return new RunnerWorld(root, cluster, ns, history);
    }

    /// <summary>A filesystem policy over this namespace's ConfigMaps (and Secrets when asked), stored in the cluster.</summary>
    public async Task<MetaBackupPolicy> PolicyAsync(Action<MetaBackupPolicySpec>? change = null, string? name = null)
    {
        var policy = Some.Policy(name: name ?? "nightly", @namespace: Namespace);
        policy.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = Backups } };
        change?.Invoke(policy.Spec);
        return await Client.CustomObjects.CreateNamespacedCustomObjectAsync<MetaBackupPolicy>(
            policy, ApiGroup.Group, ApiGroup.Version, Namespace, ApiGroup.MetaBackupPolicyPlural);
    }

    public Task ConfigMapAsync(string name, string value = "blue") =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["color"] = value } }, Namespace);

    public Task SecretAsync(string name, string key, string value) =>
        Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) } }, Namespace);

    /// <summary>An EncryptionProfileRef named <paramref name="profile"/> whose key is in Secret <c>backup-key</c> (created unless told not to).</summary>
    public async Task<EncryptionKey> ProfileAsync(string profile = "main", bool withSecret = true)
    {
        var key = EncryptionKey.Generate();
        if (withSecret)
        {
            await SecretAsync("backup-key", "key", key.ToFileText());
        }

        await Objects.CreateAsync(Client, Namespace, Some.Profile(name: profile, secret: "backup-key"));
        return key;
    }

    public async Task<List<Corev1Event>> EventsAsync(MetaBackupPolicy policy) =>
        (await Client.CoreV1.ListNamespacedEventAsync(Namespace)).Items
            .Where(e => e.InvolvedObject.Uid == policy.Metadata.Uid)
            .OrderBy(e => e.Metadata.CreationTimestamp).ThenBy(e => e.Metadata.ResourceVersion, StringComparer.Ordinal)
            .ToList();

    public List<string> Files(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToList() : [];

    public ValueTask DisposeAsync()
    {
        _root.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}
