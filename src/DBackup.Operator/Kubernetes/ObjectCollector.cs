using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using DBackup.Pipeline.Archive;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Streams the objects of a policy's sources out of the cluster: discovery resolves the resource
/// names, each resource is read with paged LISTs (500 per page, so memory stays bounded by a few pages),
/// and every kept object is cleaned of server-populated fields and, unless secrets are included,
/// has its Secret values redacted — before it ever reaches the archive writer.
/// </summary>
/// <remarks>
/// A producer task reads the pages and cleans their items (<see cref="CollectionSourcePages"/>: one pass over the
/// response bytes per item) while the caller consumes the previous page, and the next page's request is in flight
/// while the current one is cleaned. At most <see cref="PrefetchPages"/> cleaned pages wait for the caller. Objects
/// come out in the order of the sources, resources, namespaces and pages.
/// </remarks>
public sealed class ObjectCollector(KubeApi api)
{
    /// <summary>Objects per LIST page.</summary>
    public const int PageSize = 500;

    /// <summary>Cleaned pages that may wait for the consumer.</summary>
    public const int PrefetchPages = 2;

    /// <summary>Collects every source in order; <paramref name="stats"/> is filled as objects are read.</summary>
    /// <exception cref="ArgumentException">A resource name is unknown or ambiguous.</exception>
    /// <exception cref="KubeApiException">The API server refused a request after retries.</exception>
    /// <exception cref="TenancyException">A source reads cluster-scoped resources without being allowed to.</exception>
    public async IAsyncEnumerable<BackupObject> CollectAsync(
        IReadOnlyList<CollectionSource> sources,
        bool includeSecrets,
        CollectionStats stats,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(stats);
        var scopes = await PlanAsync(sources, cancellationToken).ConfigureAwait(false);
        var pages = Channel.CreateBounded<List<BackupObject>>(new BoundedChannelOptions(PrefetchPages) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(scopes, includeSecrets, stats, pages.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await pages.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (pages.Reader.TryRead(out var page))
                {
                    foreach (var obj in page)
                    {
                        yield return obj;
                    }
                }
            }

            // The channel closes when the producer ends; its failure, if any, surfaces here.
            await producer.ConfigureAwait(false);
        }
        finally
        {
            // The consumer stopped early (failure, cancellation, disposal): stop reading and wait, so no request outlives us.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Resolves every source to its LISTs before the first object is read, so a bad spec fails before any work.</summary>
    private async Task<List<ListScope>> PlanAsync(IReadOnlyList<CollectionSource> sources, CancellationToken cancellationToken)
    {
        var served = await new Discovery(api).GetResourcesAsync(cancellationToken).ConfigureAwait(false);
        var scopes = new List<ListScope>();
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
                foreach (var ns in resource.Namespaced ? namespaces : [null])
                {
                    scopes.Add(new ListScope(source, resource, ns));
                }
            }
        }

        return scopes;
    }

    /// <summary>
    /// Reads and cleans the pages of every scope in order. The request for the next page (or the next scope's first)
    /// is sent before the current page is cleaned, so the server and this process work at the same time.
    /// </summary>
    private async Task ProduceAsync(List<ListScope> scopes, bool includeSecrets, CollectionStats stats, ChannelWriter<List<BackupObject>> output, CancellationToken ct)
    {
        Task<ResponseBody>? pending = null;
        try
        {
            var index = 0;
            pending = scopes.Count > 0 ? GetPageAsync(scopes[0], null, ct) : null;
            while (pending is not null)
            {
                var scope = scopes[index];
                using var page = await pending.ConfigureAwait(false);
                pending = null;
                var objects = CollectionSourcePages.Clean(page.Memory.Span, scope, includeSecrets, stats, continueToken =>
                {
                    if (continueToken is not null)
                    {
                        pending = GetPageAsync(scope, continueToken, ct);
                    }
                    else if (++index < scopes.Count)
                    {
                        pending = GetPageAsync(scopes[index], null, ct);
                    }
                });
                await output.WriteAsync(objects, ct).ConfigureAwait(false);
            }

            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete();
            if (pending is not null)
            {
                // Observe the request in flight and free its page; its own failure is a consequence of this one.
                try
                {
                    (await pending.ConfigureAwait(false)).Dispose();
                }
                catch (Exception)
                {
                    // Already failing with e.
                }
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }
    }

    private Task<ResponseBody> GetPageAsync(ListScope scope, string? continueToken, CancellationToken ct) =>
        api.GetBodyAsync(scope.Resource.CollectionPath(scope.Namespace) + Query(scope.Source.LabelSelector, continueToken), ct);

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
        string? continueToken = null;
        do
        {
            using var page = await api.GetAsync(namespaces.CollectionPath(null) + Query(source.NamespaceSelector, continueToken), cancellationToken).ConfigureAwait(false);
            names.AddRange(CollectionSourcePages.Names(page));
            continueToken = CollectionSourcePages.ContinueToken(page);
        }
        while (continueToken is not null);

        return names;
    }

    /// <summary>The query of one LIST page: <see cref="PageSize"/> items, an optional label selector, the continue token of the previous page.</summary>
    internal static string Query(string? labelSelector, string? continueToken)
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

        return query;
    }
}
