using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using DBackup.Operator.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Runtime;

/// <summary>
/// Keeps a local cache of one kind in step with the API server: a paged list, then a watch from the list's
/// resourceVersion with bookmarks, resumed from the last seen version when the server closes it, and a full
/// relist when that version has expired (410). It reports the keys worth reconciling: new objects, spec
/// (generation) changes, a deletion starting, annotation changes (the <c>dbackup.io/run-now</c> trigger) and
/// deletions; status-only updates are not reported, so status writes do not re-trigger reconciles.
/// </summary>
/// <typeparam name="T">The custom resource type.</typeparam>
/// <param name="client">The custom resource client.</param>
/// <param name="options">Namespace, page size, watch timeout and reconnect unit.</param>
/// <param name="logger">Logs reconnects and relists.</param>
public sealed class ResourceInformer<T>(CustomResourceClient client, InformerOptions options, ILogger<ResourceInformer<T>> logger)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ResourceKey, T> _cache = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lists;

    /// <summary>Keys of all cached objects.</summary>
    public IReadOnlyCollection<ResourceKey> Keys => _cache.Keys.ToList();

    /// <summary>Number of cached objects.</summary>
    public int Count => _cache.Count;

    /// <summary>True once the first full list has been cached.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>How many full lists were made (1 + relists after expiry or errors).</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>The cached object; treat it as read-only (it is shared).</summary>
    public bool TryGet(ResourceKey key, [MaybeNullWhen(false)] out T entity) => _cache.TryGetValue(key, out entity);

    /// <summary>Completes once the first full list has been cached.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Lists and watches until <paramref name="cancellationToken"/> is cancelled, then returns. Errors never end
    /// it: they are logged and retried (<see cref="Backoff.Reconnect"/>).
    /// </summary>
    /// <param name="onChange">Called with each key worth reconciling; must be fast (enqueue it).</param>
    /// <param name="cancellationToken">Stops the informer.</param>
    public async Task RunAsync(Action<ResourceKey> onChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        string? resourceVersion = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await client.ListAsync<T>(options.Namespace, options.PageSize, cancellationToken).ConfigureAwait(false);
                    Replace(list.Items, onChange);
                    // Counted once the cache holds the list, so a reader that sees the count sees the cache.
                    Interlocked.Increment(ref _lists);
                    resourceVersion = list.ResourceVersion;
                    _synced.TrySetResult();
                    logger.LogDebug("Listed {Count} {Kind} at resourceVersion {ResourceVersion}", list.Items.Count, typeof(T).Name, resourceVersion);
                }

                // Between one and two timeouts, as client-go does, so that watches do not all reconnect at once.
                var timeout = options.WatchTimeout * (1 + Random.Shared.NextDouble());
                await foreach (var (type, entity) in client.WatchAsync<T>(options.Namespace, resourceVersion, timeout, cancellationToken).ConfigureAwait(false))
                {
                    resourceVersion = entity.Metadata?.ResourceVersion ?? resourceVersion;
                    Apply(type, entity, onChange);
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsExpired(e) && resourceVersion is not null)
            {
                logger.LogInformation("Watch of {Kind} expired at resourceVersion {ResourceVersion}; listing again", typeof(T).Name, resourceVersion);
                resourceVersion = null;
            }
            catch (Exception e)
            {
                // Includes a 410 during the list itself (a continue token expired under heavy churn): back off, then list again.
                failures++;
                var delay = Backoff.Reconnect(failures, options.ReconnectUnit);
                logger.LogWarning(e, "List/watch of {Kind} failed ({Failures} in a row); retrying in {Delay}", typeof(T).Name, failures, delay);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Whether a change from <paramref name="old"/> to <paramref name="current"/> needs a reconcile: a new object,
    /// a new generation, a deletion that started, or different annotations. Status and other metadata do not.
    /// </summary>
    internal static bool ShouldEnqueue(T? old, T current)
    {
        if (old is null)
        {
            return true;
        }

        var before = old.Metadata;
        var after = current.Metadata;
        return before.Generation != after.Generation
            || (before.DeletionTimestamp is null && after.DeletionTimestamp is not null)
            || !SameAnnotations(before.Annotations, after.Annotations);
    }

    private static bool SameAnnotations(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        return a is null || b is null || a.All(kv => b.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));
    }

    private static bool IsExpired(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone || k.Status?.Reason is "Expired" or "Gone",
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    private void Apply(WatchEventType type, T entity, Action<ResourceKey> onChange)
    {
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                Upsert(entity, onChange);
                break;
            case WatchEventType.Deleted:
                var key = ResourceKey.Of(entity.Metadata);
                _cache.TryRemove(key, out _);
                onChange(key);
                break;
            default:
                // Bookmarks only move the resourceVersion; errors arrive as exceptions.
                break;
        }
    }

    private void Upsert(T entity, Action<ResourceKey> onChange)
    {
        var key = ResourceKey.Of(entity.Metadata);
        _cache.TryGetValue(key, out var old);
        _cache[key] = entity;
        if (ShouldEnqueue(old, entity))
        {
            onChange(key);
        }
    }

    // A relist replaces the cache: changed and new objects are reported as if watched, vanished ones as deleted.
    private void Replace(IReadOnlyList<T> items, Action<ResourceKey> onChange)
    {
        var seen = new HashSet<ResourceKey>();
        foreach (var item in items)
        {
            seen.Add(ResourceKey.Of(item.Metadata));
            Upsert(item, onChange);
        }

        foreach (var key in _cache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _cache.TryRemove(key, out _);
            onChange(key);
        }
    }
}

/// <summary>Settings of a <see cref="ResourceInformer{T}"/>.</summary>
public sealed record InformerOptions
{
    /// <summary>Namespace to watch; null for all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>Objects per list page.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Shortest server-side watch timeout (each watch picks up to twice this); the watch then resumes from its last version.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Unit of the reconnect backoff <c>2^min(n,5)</c> (1 s: 2 s, 4 s … 32 s); smaller in tests.</summary>
    public TimeSpan ReconnectUnit { get; init; } = TimeSpan.FromSeconds(1);
}
