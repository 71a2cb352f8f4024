using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Streams the objects of a policy's sources out of the cluster: discovery resolves the resource
/// names, each resource is read with paged LISTs (500 per page, so memory stays bounded by one page),
/// and every kept object is cleaned of server-populated fields and, unless secrets are included,
/// has its Secret values redacted — before it ever reaches the archive writer.
/// </summary>
public sealed class ObjectCollector(KubeApi api)
{
    /// <summary>Objects per LIST page.</summary>
    public const int PageSize = 500;

    /// <summary>Collects every source in order; <paramref name="stats"/> is filled as objects stream by.</summary>
    /// <exception cref="ArgumentException">A resource name is unknown or ambiguous.</exception>
    /// <exception cref="KubeApiException">The API server refused a request after retries.</exception>
    /// <exception cref="TenancyException">A source reads cluster-scoped resources without being allowed to.</exception>
    public async IAsyncEnumerable<BackupObject> CollectAsync(
        IReadOnlyList<CollectionSource> sources,
        bool includeSecrets,
        CollectionStats stats,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var served = await new Discovery(api).GetResourcesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var source in sources)
        {
            var excluded = Discovery.Resolve(served, source.ExcludeResources);
            var resources = Discovery.Resolve(served, source.Resources).Where(r => !excluded.Contains(r)).ToList();
            if (!source.AllowClusterScoped && resources.FirstOrDefault(r => !r.Namespaced) is { } clusterScoped)
            {
                throw new TenancyException($"source '{source.Component}' asks for cluster-scoped '{clusterScoped.QualifiedName}', which only policies in the operator's admin namespaces may read");
            }

            var namespaces = await NamespacesAsync(source, cancellationToken).ConfigureAwait(false);
            foreach (var resource in resources)
            {
                var scopes = resource.Namespaced ? namespaces : [null];
                foreach (var ns in scopes)
                {
                    await foreach (var item in ListAsync(resource, ns, source.LabelSelector, cancellationToken).ConfigureAwait(false))
                    {
                        var name = item["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
                        var skip = SkipRules.Reason(resource, item, source.IncludeControllerOwned);
                        if (skip is not null)
                        {
                            stats.Skipped(resource, skip);
                            continue;
                        }

                        var kept = ObjectCleaner.Clean(item);
                        if (!includeSecrets && SecretRedactor.IsSecret(kept))
                        {
                            kept = SecretRedactor.Redact(kept);
                            stats.Redacted++;
                        }

                        var objectNamespace = resource.Namespaced ? kept["metadata"]?["namespace"]?.GetValue<string>() : null;
                        var reference = new ObjectRef(source.Component, resource.Group, resource.Version, resource.Resource, resource.Kind, objectNamespace, name);
                        stats.Collected(resource);
                        yield return new BackupObject(reference, JsonSerializer.SerializeToUtf8Bytes(kept));
                    }
                }
            }
        }
    }

    /// <summary>The namespaces a source reads; <c>[null]</c> means "all namespaces" in one cluster-wide list.</summary>
    private async Task<IReadOnlyList<string?>> NamespacesAsync(CollectionSource source, CancellationToken cancellationToken)
    {
        if (source.Namespaces.Count > 0)
        {
            return source.Namespaces.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList<string?>();
        }

        if (source.NamespaceSelector is null)
        {
            return [null];
        }

        var names = new List<string?>();
        var namespaces = new ApiResource(string.Empty, "v1", "namespaces", "Namespace", false, ["list"]);
        await foreach (var ns in ListAsync(namespaces, null, source.NamespaceSelector, cancellationToken).ConfigureAwait(false))
        {
            names.Add(ns["metadata"]!["name"]!.GetValue<string>());
        }

        return names;
    }

    /// <summary>Paged LIST of one resource; items get apiVersion/kind, which list items of built-in types lack.</summary>
    private async IAsyncEnumerable<JsonObject> ListAsync(ApiResource resource, string? ns, string? labelSelector, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continueToken = null;
        do
        {
            var query = $"?limit={PageSize}";
            if (!string.IsNullOrEmpty(labelSelector))
            {
                query += "&labelSelector=" + Uri.EscapeDataString(labelSelector);
            }

            if (continueToken is not null)
            {
                query += "&continue=" + Uri.EscapeDataString(continueToken);
            }

            using var page = await api.GetAsync(resource.CollectionPath(ns) + query, cancellationToken).ConfigureAwait(false);
            foreach (var element in page.RootElement.GetProperty("items").EnumerateArray())
            {
                var item = JsonNode.Parse(element.GetRawText())!.AsObject();
                item["apiVersion"] = resource.ApiVersion;
                item["kind"] = resource.Kind;
                yield return item;
            }

            continueToken = page.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("continue", out var c)
                ? c.GetString()
                : null;
        }
        while (!string.IsNullOrEmpty(continueToken));
    }
}
