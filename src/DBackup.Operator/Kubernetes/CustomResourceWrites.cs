using System.Collections.Concurrent;
using System.Globalization;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// The resourceVersion of this process' last write per object (client-go's MutationCache idea, reduced to versions).
/// An informer learns of our own status write only when its watch event arrives; a reconcile that runs before that
/// would decide on the old status (and, say, run a manual backup twice), so it reads the object fresh instead.
/// </summary>
/// <remarks>
/// resourceVersions are compared as integers, which holds for etcd and DevCluster; an unparsable version counts as
/// stale, which costs one extra read and is never wrong.
/// </remarks>
internal sealed class CustomResourceWrites
{
    private readonly ConcurrentDictionary<(string Kind, string Namespace, string Name), string> _written = new();

    public async Task<T> RecordAsync<T>(Task<T> write)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var stored = await write.ConfigureAwait(false);
        if (stored.Metadata?.ResourceVersion is { } version)
        {
            _written[Key(stored)] = version;
        }

        return stored;
    }

    public bool IsStale<T>(T cached)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var key = Key(cached);
        if (!_written.TryGetValue(key, out var written))
        {
            return false;
        }

        if (Parse(cached.Metadata.ResourceVersion) is { } have && Parse(written) is { } wrote && have >= wrote)
        {
            // The cache has caught up; forget the entry so the map stays as small as the set of lagging objects.
            _written.TryRemove(new KeyValuePair<(string, string, string), string>(key, written));
            return false;
        }

        return true;
    }

    private static (string, string, string) Key<T>(T entity)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        (EntityType.Of<T>().Kind, entity.Metadata.NamespaceProperty ?? string.Empty, entity.Metadata.Name ?? string.Empty);

    private static long? Parse(string? version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
