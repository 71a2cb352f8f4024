using System.Text;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Faults;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using k8s;
using k8s.Models;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Kubernetes;

/// <summary>Collection through discovery and paged LISTs, against DevCluster over real HTTP.</summary>
public sealed class ObjectCollectorTests : IAsyncLifetime
{
    private const string Canary = "canary-secret-5d1e0b";
    private DevCluster.DevCluster _cluster = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DevCluster.DevCluster.StartAsync();
        _client = _cluster.Client;
        await CreateNamespaceAsync("shop");
        await CreateNamespaceAsync("other");
        await _cluster.WaitForControllersAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task CollectAsync_KeepsUserObjectsAndSkipsClusterMadeOnes_WhenNamespaceIsGiven()
    {
        await ConfigMapAsync("shop", "app-config", new() { ["color"] = "blue" });
        await ConfigMapAsync("shop", "ignored", new(), labels: new() { [SkipRules.ExcludeLabel] = "true" });
        await ConfigMapAsync("other", "elsewhere", new());
        await SecretAsync("shop", "sa-token", "kubernetes.io/service-account-token", annotations: new() { ["kubernetes.io/service-account.name"] = "default" });
        await ConfigMapAsync("shop", "owned", new(), owner: true);

        var (objects, stats) = await CollectAsync(new CollectionSource { Component = "app", Resources = ["configmaps", "secrets"], Namespaces = ["shop"] });

        Assert.Equal(["app-config"], objects.Select(o => o.Ref.Name));
        var json = JsonNode.Parse(objects[0].Json.Span)!.AsObject();
        Assert.Equal("v1", (string?)json["apiVersion"]);
        Assert.Equal("ConfigMap", (string?)json["kind"]);
        Assert.Null(json["metadata"]!["uid"]);
        Assert.Null(json["metadata"]!["resourceVersion"]);
        Assert.Equal("app/core/configmaps/shop/app-config.json", objects[0].Ref.ArchivePath);
        Assert.Contains(stats.SkippedByReason.Keys, k => k.Contains("kube-controller-manager", StringComparison.Ordinal));
        Assert.Contains(stats.SkippedByReason.Keys, k => k.Contains("service-account token", StringComparison.Ordinal));
        Assert.Contains(stats.SkippedByReason.Keys, k => k.Contains(SkipRules.ExcludeLabel, StringComparison.Ordinal));
        Assert.Contains(stats.SkippedByReason.Keys, k => k.Contains("controller", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_RedactsSecretValues_WhenSecretsAreNotIncluded()
    {
        await SecretAsync("shop", "db", "Opaque", data: new() { ["password"] = Canary });

        var (redacted, stats) = await CollectAsync(new CollectionSource { Component = "app", Resources = ["secrets"], Namespaces = ["shop"] });
        var (kept, _) = await CollectAsync(new CollectionSource { Component = "app", Resources = ["secrets"], Namespaces = ["shop"] }, includeSecrets: true);

        var redactedText = Encoding.UTF8.GetString(redacted.Single().Json.Span);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)), redactedText, StringComparison.Ordinal);
        Assert.Contains("\"dbackup.io/redacted\":\"true\"", redactedText, StringComparison.Ordinal);
        Assert.Contains("password", redactedText, StringComparison.Ordinal);
        Assert.Equal(1, stats.Redacted);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)), Encoding.UTF8.GetString(kept.Single().Json.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_ReadsEveryPage_WhenMoreObjectsThanOnePage()
    {
        const int count = ObjectCollector.PageSize + 37;
        for (var i = 0; i < count; i++)
        {
            await ConfigMapAsync("shop", $"cm-{i:D4}", new() { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        var (objects, _) = await CollectAsync(new CollectionSource { Component = "bulk", Resources = ["configmaps"], Namespaces = ["shop"] });

        Assert.Equal(count, objects.Count);
        Assert.Equal(count, objects.Select(o => o.Ref.Name).Distinct().Count());
    }

    [Fact]
    public async Task CollectAsync_ListsAllNamespacesAndFiltersByLabel_WhenNoNamespaceIsGiven()
    {
        await ConfigMapAsync("shop", "a", new(), labels: new() { ["tier"] = "web" });
        await ConfigMapAsync("other", "b", new(), labels: new() { ["tier"] = "web" });
        await ConfigMapAsync("other", "c", new(), labels: new() { ["tier"] = "db" });

        var (objects, _) = await CollectAsync(new CollectionSource { Component = "web", Resources = ["configmaps"], LabelSelector = "tier=web" });

        Assert.Equal(["other/b", "shop/a"], objects.Select(o => $"{o.Ref.Namespace}/{o.Ref.Name}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_Fails_WhenResourceIsUnknown()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            CollectAsync(new CollectionSource { Component = "x", Resources = ["widgets.example.com"] }));

        Assert.Contains("widgets.example.com", error.Message, StringComparison.Ordinal);
        Assert.Contains("not served", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_CollectsCustomResources_ByPluralDotGroup()
    {
        var crdYaml = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config", "crd", "dbackup.io_encryptionprofilerefs.yaml"));
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(crdYaml));
        await _cluster.WaitForControllersAsync();
        var profile = new JsonObject
        {
            ["apiVersion"] = "dbackup.io/v1alpha1",
            ["kind"] = "EncryptionProfileRef",
            ["metadata"] = new JsonObject { ["name"] = "main" },
            ["spec"] = new JsonObject { ["secretRef"] = new JsonObject { ["name"] = "k", ["key"] = "key" } },
        };
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(profile, "dbackup.io", "v1alpha1", "shop", "encryptionprofilerefs");

        var (objects, _) = await CollectAsync(new CollectionSource { Component = "dbackup", Resources = ["encryptionprofilerefs.dbackup.io"], Namespaces = ["shop"] });

        var collected = Assert.Single(objects);
        Assert.Equal("dbackup/dbackup.io/encryptionprofilerefs/shop/main.json", collected.Ref.ArchivePath);
        Assert.Equal("dbackup.io/v1alpha1", collected.Ref.ApiVersion);
    }

    [Fact]
    public async Task CollectAsync_RetriesThrottledLists()
    {
        await ConfigMapAsync("shop", "app-config", new());
        var rule = new FaultRule { Method = "GET", PathPattern = "/api/v1/namespaces/shop/configmaps*", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1), Times = 2 };
        using var registration = _cluster.Faults.Add(rule);

        var (objects, _) = await CollectAsync(new CollectionSource { Component = "app", Resources = ["configmaps"], Namespaces = ["shop"] });

        Assert.Single(objects);
        Assert.Equal(2, rule.Fired);
    }

    private async Task<(List<BackupObject> Objects, CollectionStats Stats)> CollectAsync(CollectionSource source, bool includeSecrets = false)
    {
        var stats = new CollectionStats();
        var collector = new ObjectCollector(new KubeApi((k8s.Kubernetes)_client));
        var objects = new List<BackupObject>();
        await foreach (var o in collector.CollectAsync([source], includeSecrets, stats, CancellationToken.None))
        {
            objects.Add(o);
        }

        return (objects, stats);
    }

    private Task CreateNamespaceAsync(string name) =>
        _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });

    private Task ConfigMapAsync(string ns, string name, Dictionary<string, string> data, Dictionary<string, string>? labels = null, bool owner = false) =>
        _client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    Labels = labels,
                    OwnerReferences = owner ? [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", Uid = "00000000-0000-0000-0000-000000000001", Controller = true }] : null,
                },
                Data = data,
            },
            ns);

    private Task SecretAsync(string ns, string name, string type, Dictionary<string, string>? data = null, Dictionary<string, string>? annotations = null) =>
        _client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = name, Annotations = annotations },
                Type = type,
                StringData = data ?? new Dictionary<string, string> { ["token"] = "t" },
            },
            ns);
}
