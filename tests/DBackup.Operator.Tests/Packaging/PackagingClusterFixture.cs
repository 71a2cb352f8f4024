using System.Net;
using System.Text.Json.Nodes;
using DBackup.DevCluster;
using DBackup.Operator.Crds;
using DBackup.Operator.Kubernetes;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>The packaging tests share one DevCluster (helm and kustomize output are only dry-run applied).</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackagingClusterFixture>
{
    public const string Name = "packaging cluster";
}

/// <summary>
/// A DevCluster with the dbackup.io CRDs (config/crd) and minimal monitoring.coreos.com CRDs for ServiceMonitor and
/// PrometheusRule (spec kept as given: the Prometheus Operator's schemas are not ours to copy), and a dry-run applier.
/// </summary>
public sealed class PackagingClusterFixture : IAsyncLifetime
{
    public DevCluster.DevCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await DevCluster.DevCluster.StartAsync();
        await EmbeddedCrds.InstallAsync(Cluster.Client, CancellationToken.None);
        foreach (var (kind, plural) in new[] { ("ServiceMonitor", "servicemonitors"), ("PrometheusRule", "prometheusrules") })
        {
            await Cluster.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(MonitoringCrd(kind, plural));
        }

        await WaitServedAsync("monitoring.coreos.com/v1");
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Creates namespaces for real (a dry-run object cannot land in a namespace that does not exist).</summary>
    public async Task EnsureNamespacesAsync(IEnumerable<string> names)
    {
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await Cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Made by an earlier test.
            }
        }
    }

    /// <summary>
    /// Sends every object to the API server with <c>dryRun=All</c> and <c>fieldValidation=Strict</c>, as
    /// <c>kubectl apply --dry-run=server</c> does: a create, or a replace of the existing object (the CRDs). Nothing is stored.
    /// </summary>
    public async Task DryRunApplyAsync(IEnumerable<JsonObject> objects)
    {
        var api = new KubeApi((k8s.Kubernetes)Cluster.Client);
        var served = await new Discovery(api).GetResourcesAsync(CancellationToken.None);
        var failures = new List<string>();
        foreach (var source in objects)
        {
            var obj = source.DeepClone().AsObject();
            var apiVersion = (string)obj["apiVersion"]!;
            var kind = Rendered.Kind(obj);
            var resource = served.FirstOrDefault(r => r.ApiVersion == apiVersion && r.Kind == kind);
            if (resource is null)
            {
                failures.Add($"{Rendered.Describe(obj)}: {apiVersion} {kind} is not served");
                continue;
            }

            var ns = Rendered.Namespace(obj);
            if (resource.Namespaced && string.IsNullOrEmpty(ns))
            {
                failures.Add($"{Rendered.Describe(obj)}: a namespaced object without metadata.namespace");
                continue;
            }

            const string query = "?dryRun=All&fieldValidation=Strict";
            try
            {
                (await api.PostAsync(resource.CollectionPath(ns) + query, obj, CancellationToken.None)).Dispose();
            }
            catch (KubeApiException e) when (e.StatusCode == (int)HttpStatusCode.Conflict)
            {
                var item = $"{resource.CollectionPath(ns)}/{Uri.EscapeDataString(Rendered.Name(obj))}";
                using var current = await api.GetAsync(item, CancellationToken.None);
                obj["metadata"]!["resourceVersion"] = current.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                (await api.PutAsync(item + query, obj, CancellationToken.None)).Dispose();
            }
            catch (KubeApiException e)
            {
                failures.Add($"{Rendered.Describe(obj)}: {e.StatusCode} {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, "refused by the API server:\n" + string.Join('\n', failures));
    }

    private static V1CustomResourceDefinition MonitoringCrd(string kind, string plural) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"{plural}.monitoring.coreos.com" },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = "monitoring.coreos.com",
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Kind = kind, Plural = plural, ListKind = kind + "List", Singular = kind.ToLowerInvariant() },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = "v1",
                    Served = true,
                    Storage = true,
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps
                        {
                            Type = "object",
                            Properties = new Dictionary<string, V1JSONSchemaProps>
                            {
                                ["spec"] = new() { Type = "object", XKubernetesPreserveUnknownFields = true },
                            },
                        },
                    },
                },
            ],
        },
    };

    private async Task WaitServedAsync(string groupVersion)
    {
        var api = new KubeApi((k8s.Kubernetes)Cluster.Client);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var served = await new Discovery(api).GetResourcesAsync(CancellationToken.None);
            if (served.Count(r => r.ApiVersion == groupVersion) == 2)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{groupVersion} was not served within 5 s");
    }
}
