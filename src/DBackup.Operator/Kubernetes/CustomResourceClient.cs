using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Typed access to our custom resources: the only place that calls the API for them. Group, version and
/// plural come from the entity's <see cref="KubernetesEntityAttribute"/>. Reads and writes retry throttling
/// and transient server errors (<see cref="CustomResourceRetry"/>); watches do not, their owner reconnects.
/// </summary>
/// <param name="client">The API client.</param>
/// <param name="logger">Logs objects that cannot be read as their entity type; none when null.</param>
public sealed partial class CustomResourceClient(IKubernetes client, ILogger<CustomResourceClient>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<CustomResourceClient>.Instance;
    private readonly CustomResourceWrites _writes = new();

    /// <summary>The object, or null when it does not exist.</summary>
    /// <exception cref="HttpOperationException">The API answered with an error other than 404.</exception>
    public async Task<T?> GetAsync<T>(string @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var type = EntityType.Of<T>();
        try
        {
            return await CustomResourceRetry.RunAsync(
                () => client.CustomObjects.GetNamespacedCustomObjectAsync<T>(type.Group, type.Version, @namespace, type.Plural, name, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Lists every object in <paramref name="namespace"/> (all namespaces when null), <paramref name="pageSize"/>
    /// at a time, and returns them with the list's resourceVersion, from which a watch can start.
    /// </summary>
    /// <exception cref="HttpOperationException">The API answered with an error (410 when a continue token expired).</exception>
    public async Task<ResourceList<T>> ListAsync<T>(string? @namespace, int pageSize, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var type = EntityType.Of<T>();
        var items = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var token = continueToken;
            // Untyped, so that one object the entity type cannot read costs that object, not the whole list.
            var page = (JsonElement)await CustomResourceRetry.RunAsync(
                () => @namespace is null
                    ? client.CustomObjects.ListCustomObjectForAllNamespacesAsync(type.Group, type.Version, type.Plural, continueParameter: token, limit: pageSize, cancellationToken: cancellationToken)
                    : client.CustomObjects.ListNamespacedCustomObjectAsync(type.Group, type.Version, @namespace, type.Plural, continueParameter: token, limit: pageSize, cancellationToken: cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (page.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (TryDeserialize<T>(item) is { } entity)
                    {
                        items.Add(entity);
                    }
                }
            }

            var meta = page.TryGetProperty("metadata", out var m) ? KubernetesJson.Deserialize<V1ListMeta>(m.GetRawText()) : null;
            resourceVersion = meta?.ResourceVersion ?? string.Empty;
            continueToken = meta?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return new ResourceList<T>(items, resourceVersion);
    }

    /// <summary>
    /// Watches changes after <paramref name="resourceVersion"/>, with bookmarks. The sequence ends when the
    /// server closes the stream (resume from the last seen resourceVersion).
    /// </summary>
    /// <exception cref="KubernetesException">The server sent an ERROR event; 410 means the version is too old: relist.</exception>
    /// <exception cref="HttpOperationException">The watch request itself failed.</exception>
    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync<T>(
        string? @namespace,
        string resourceVersion,
        TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var type = EntityType.Of<T>();
        Exception? error = null;
        void OnError(Exception e) => error ??= e;
        var seconds = (int)Math.Max(1, timeout.TotalSeconds);
        var events = @namespace is null
            ? client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(type.Group, type.Version, type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: seconds, onError: OnError, cancellationToken: cancellationToken)
            : client.CustomObjects.WatchListNamespacedCustomObjectAsync(type.Group, type.Version, @namespace, type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: seconds, onError: OnError, cancellationToken: cancellationToken);

        await foreach (var (eventType, item) in events.ConfigureAwait(false))
        {
            // ERROR events never reach here: the client reports them through onError and reads on.
            if (error is not null)
            {
                break;
            }

            if (TryDeserialize<T>(item) is { } entity)
            {
                yield return (eventType, entity);
            }
        }

        if (error is not null)
        {
            throw error;
        }
    }

    /// <summary>
    /// Sets the finalizer list with a JSON merge patch that carries the object's resourceVersion, so a
    /// concurrent change to the list is a 409, not a lost update.
    /// </summary>
    /// <returns>The stored object.</returns>
    /// <exception cref="HttpOperationException">409 when the object changed since it was read.</exception>
    public Task<T> PatchFinalizersAsync<T>(T entity, IEnumerable<string> finalizers, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(entity);
        var type = EntityType.Of<T>();
        var patch = new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object?>
            {
                ["finalizers"] = finalizers.ToList(),
                ["resourceVersion"] = entity.Metadata.ResourceVersion,
            },
        };
        var body = new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch);
        return _writes.RecordAsync(CustomResourceRetry.RunAsync(
            () => client.CustomObjects.PatchNamespacedCustomObjectAsync<T>(body, type.Group, type.Version, entity.Metadata.NamespaceProperty, type.Plural, entity.Metadata.Name, cancellationToken: cancellationToken),
            cancellationToken));
    }

    /// <summary>Replaces the status subresource (PUT <c>/status</c>); the body's resourceVersion makes it a compare-and-swap.</summary>
    /// <returns>The stored object.</returns>
    /// <exception cref="HttpOperationException">409 when the object changed since it was read.</exception>
    public Task<T> ReplaceStatusAsync<T>(T entity, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(entity);
        var type = EntityType.Of<T>();
        return _writes.RecordAsync(CustomResourceRetry.RunAsync(
            () => client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<T>(entity, type.Group, type.Version, entity.Metadata.NamespaceProperty, type.Plural, entity.Metadata.Name, cancellationToken: cancellationToken),
            cancellationToken));
    }

    /// <summary>
    /// True when this client wrote <paramref name="cached"/> since that copy was stored, i.e. a cache still
    /// lags behind our own status or finalizer write and a reconcile must read the object fresh.
    /// </summary>
    public bool IsOlderThanOwnWrite<T>(T cached)
        where T : class, IKubernetesObject<V1ObjectMeta> => _writes.IsStale(cached);

    /// <summary>A deep copy through JSON, so that cached objects are never mutated by their users.</summary>
    public static T DeepCopy<T>(T entity)
        where T : class => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(entity));

    // A poison object (valid for the CRD schema, unreadable for the C# type) is logged and skipped: throwing would make
    // the informer relist and fail on it forever, leaving every object of the kind unreconciled.
    private T? TryDeserialize<T>(object item)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var json = item is JsonElement element ? element.GetRawText() : KubernetesJson.Serialize(item);
        try
        {
            return KubernetesJson.Deserialize<T>(json);
        }
        catch (JsonException e)
        {
            using var document = JsonDocument.Parse(json);
            var meta = document.RootElement.TryGetProperty("metadata", out var m) ? m : default;
            string? Field(string name) => meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty(name, out var v) ? v.GetString() : null;
            _logger.LogError(e, "Skipping {Kind} {Namespace}/{Name}: it cannot be read as {Type}", EntityType.Of<T>().Kind, Field("namespace"), Field("name"), typeof(T).Name);
            return null;
        }
    }
}

/// <summary>One consistent list of objects.</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Items">The objects.</param>
/// <param name="ResourceVersion">The list's resourceVersion: a watch from it sees every later change.</param>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);

/// <summary>Group, version and plural of an entity type, read once from its <see cref="KubernetesEntityAttribute"/>.</summary>
internal sealed record EntityType(string Group, string Version, string Plural, string Kind)
{
    public static EntityType Of<T>() => Cache<T>.Value;

    private static class Cache<T>
    {
        public static readonly EntityType Value = Read(typeof(T));
    }

    private static EntityType Read(Type type)
    {
        var attribute = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} has no [KubernetesEntity] attribute.");
        return new EntityType(attribute.Group, attribute.ApiVersion, attribute.PluralName, attribute.Kind);
    }
}
