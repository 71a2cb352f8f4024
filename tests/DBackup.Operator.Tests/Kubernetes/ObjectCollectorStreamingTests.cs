using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Faults;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Kubernetes;

/// <summary>
/// The single-pass collector (ListItemCleaner on the response bytes, pages read ahead) against DevCluster over HTTP:
/// the same bytes as the DOM path on real LIST responses, order kept across scopes and pages, failures surfaced,
/// early stops leave nothing running.
/// </summary>
public sealed class ObjectCollectorStreamingTests : IAsyncLifetime
{
    private DevCluster.DevCluster _cluster = null!;
    private IKubernetes _client = null!;
    private KubeApi _api = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DevCluster.DevCluster.StartAsync();
        _client = _cluster.Client;
        _api = new KubeApi((k8s.Kubernetes)_client);
        foreach (var ns in new[] { "ns-b", "ns-a" })
        {
            await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        }

        await _cluster.WaitForControllersAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CollectAsync_WritesTheSameBytesAsTheDomPath_OnRealListResponses(bool includeSecrets)
    {
        await SeedAsync();

        var collected = await CollectAsync(["configmaps", "secrets", "services"], includeSecrets);

        var expected = new List<(string Path, string Json)>();
        foreach (var (resource, kind) in new[] { ("configmaps", "ConfigMap"), ("secrets", "Secret"), ("services", "Service") })
        {
            foreach (var ns in new[] { "ns-a", "ns-b" })
            {
                using var page = await _api.GetAsync($"/api/v1/namespaces/{ns}/{resource}?limit=5000", CancellationToken.None);
                foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
                {
                    var node = JsonNode.Parse(item.GetRawText())!.AsObject();
                    node["apiVersion"] = "v1";
                    node["kind"] = kind;
                    var name = (string)node["metadata"]!["name"]!;
                    if (name == "kube-root-ca.crt")
                    {
                        continue;
                    }

                    var kept = ObjectCleaner.Clean(node);
                    if (!includeSecrets && SecretRedactor.IsSecret(kept))
                    {
                        kept = SecretRedactor.Redact(kept);
                    }

                    expected.Add(($"app/core/{resource}/{ns}/{name}.json", Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(kept))));
                }
            }
        }

        Assert.Equal(expected.Select(e => e.Path), collected.Select(o => o.Ref.ArchivePath));
        Assert.Equal(expected.Select(e => e.Json), collected.Select(o => Encoding.UTF8.GetString(o.Json.Span)));
        Assert.Contains(collected, o => o.Ref.Kind == "Service");
        Assert.Equal(!includeSecrets, collected.Where(o => o.Ref.Name == "db").All(o => Encoding.UTF8.GetString(o.Json.Span).Contains(SecretRedactor.DataPlaceholder, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CollectAsync_KeepsScopeAndPageOrder_AcrossManyPages()
    {
        var count = ObjectCollector.PageSize * 2 + 11;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            foreach (var ns in new[] { "ns-a", "ns-b" })
            {
                await ConfigMapAsync(ns, $"cm-{i:D4}", ct);
            }
        });

        var collected = await CollectAsync(["configmaps"], includeSecrets: false);

        var names = collected.Select(o => $"{o.Ref.Namespace}/{o.Ref.Name}").ToList();
        Assert.Equal(2 * count, names.Count);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task CollectAsync_SurfacesAFailedLaterList_AfterTheEarlierObjects()
    {
        await ConfigMapAsync("ns-a", "first", CancellationToken.None);
        await ConfigMapAsync("ns-b", "second", CancellationToken.None);
        using var fault = _cluster.Faults.Add(FaultRule.Status(403, pathPattern: "/api/v1/namespaces/ns-b/configmaps*", method: "GET"));
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var o in Collector().CollectAsync([Source(["configmaps"])], false, new CollectionStats(), CancellationToken.None))
            {
                seen.Add(o.Ref.Name);
            }
        });

        Assert.Equal(403, error.StatusCode);
        Assert.Equal(["first"], seen);
    }

    [Fact]
    public async Task CollectAsync_StopsReading_WhenTheConsumerStopsEarly()
    {
        // One LIST per namespace: enough scopes that a collector which kept reading would send many more requests.
        var namespaces = Enumerable.Range(0, 12).Select(i => $"many-{i:D2}").ToArray();
        foreach (var ns in namespaces)
        {
            await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
            await ConfigMapAsync(ns, $"cm-{ns}", CancellationToken.None);
        }

        var rule = new FaultRule { Method = "GET", PathPattern = "/api/v1/namespaces/many-*/configmaps*", Latency = TimeSpan.FromMilliseconds(1) };
        using var registration = _cluster.Faults.Add(rule);
        var source = new CollectionSource { Component = "app", Resources = ["configmaps"], Namespaces = namespaces };
        await foreach (var o in Collector().CollectAsync([source], false, new CollectionStats(), CancellationToken.None))
        {
            Assert.Equal("cm-many-00", o.Ref.Name);
            await Task.Delay(300); // a slow consumer: the read-ahead fills up to its bound and waits
            break;
        }

        // A request already on the wire when the enumerator was disposed may still reach the server a moment later;
        // after that settles, nothing more arrives, and the read-ahead never ran further than its bound.
        await Task.Delay(300);
        var after = rule.Matched;
        await Task.Delay(300);
        Assert.Equal(after, rule.Matched);
        // Pages waiting in the channel, one being written, one being cleaned, one request in flight; never all of them.
        Assert.InRange(after, 1, Math.Min(ObjectCollector.PrefetchPages + 3, namespaces.Length - 1));
    }

    private async Task SeedAsync()
    {
        foreach (var ns in new[] { "ns-a", "ns-b" })
        {
            await ConfigMapAsync(ns, "plain", CancellationToken.None);
            await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "annotated", Labels = new Dictionary<string, string> { ["app"] = "web_1.a-b" },
                    Annotations = new Dictionary<string, string> { [ObjectCleaner.LastAppliedAnnotation] = "{\"data\":{}}", ["note"] = "line\nnext \"quoted\"" },
                },
                Data = new Dictionary<string, string> { ["unicode"] = "żółw 日本 😀", ["json"] = "{\"a\":[1,2]}" },
            }, ns);
            await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "db", Annotations = new Dictionary<string, string> { [ObjectCleaner.LastAppliedAnnotation] = "{\"data\":{\"p\":\"Y2FuYXJ5\"}}" } },
                Type = "Opaque",
                Data = new Dictionary<string, byte[]> { ["p"] = Encoding.UTF8.GetBytes("canary") },
            }, ns);
            await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "empty", Labels = new Dictionary<string, string>() } }, ns);
            await _client.CoreV1.CreateNamespacedServiceAsync(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = "web" },
                Spec = new V1ServiceSpec { ClusterIP = "10.0.0.9", Ports = [new V1ServicePort { Port = 80 }] },
            }, ns);
        }
    }

    private Task ConfigMapAsync(string ns, string name, CancellationToken ct) =>
        _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name },
            Data = new Dictionary<string, string> { ["n"] = name.Length.ToString(CultureInfo.InvariantCulture) },
        }, ns, cancellationToken: ct);

    private ObjectCollector Collector() => new(_api);

    private static CollectionSource Source(string[] resources) => new() { Component = "app", Resources = resources, Namespaces = ["ns-b", "ns-a"] };

    private async Task<List<BackupObject>> CollectAsync(string[] resources, bool includeSecrets)
    {
        var objects = new List<BackupObject>();
        await foreach (var o in Collector().CollectAsync([Source(resources)], includeSecrets, new CollectionStats(), CancellationToken.None))
        {
            objects.Add(o);
        }

        return objects;
    }
}
