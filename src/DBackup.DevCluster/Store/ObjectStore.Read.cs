using System.Threading.Channels;

namespace DBackup.DevCluster.Store;

/// <summary>One page of a list, taken from a single revision.</summary>
internal sealed record ListPage(IReadOnlyList<StoredObject> Items, long Revision, string? LastKey, bool More, long? Remaining = null);

internal sealed partial class ObjectStore
{
    /// <summary>
    /// Lists objects as they were at <paramref name="atRevision"/> (null = now), in key order after
    /// <paramref name="afterKey"/>, keeping those <paramref name="filter"/> accepts, at most <paramref name="limit"/> (0 = all).
    /// </summary>
    public ListPage List(string resource, string ns, long? atRevision, string? afterKey, Func<StoredObject, bool>? filter, int limit)
    {
        lock (_gate)
        {
            var rev = atRevision ?? _revision;
            if (rev < _compacted) throw new StoreException(StoreFailure.TooOld, Format(_compacted));
            if (rev > _revision) throw new StoreException(StoreFailure.Conflict, Format(_revision));
            var table = Table(resource);
            var (from, to) = Range(ns);
            if (afterKey is not null && string.CompareOrdinal(afterKey + "\0", from) > 0) from = afterKey + "\0";
            var overlay = Overlay(resource, rev, from, to);
            var items = new List<StoredObject>();
            string? last = null;
            var more = false;
            long remaining = 0;
            foreach (var key in Merge(table.KeysBetween(from, to), overlay.Keys))
            {
                var value = overlay.TryGetValue(key, out var old) ? old : (table.TryGet(key, out var cur) ? cur : null);
                if (value is null || (filter is not null && !filter(value))) continue;
                if (limit > 0 && items.Count == limit)
                {
                    more = true;
                    // Like etcd's count, remainingItemCount is only known for unfiltered lists.
                    if (filter is not null) break;
                    remaining++;
                    continue;
                }
                items.Add(value);
                last = key;
            }
            return new ListPage(items, rev, last, more, more && filter is null ? remaining : null);
        }
    }

    /// <summary>
    /// Starts following changes of <paramref name="resource"/> (null = all) after <paramref name="fromRevision"/>.
    /// The backlog and the live channel together are gap-free because both are taken under the write lock.
    /// </summary>
    public (IReadOnlyList<StoreEvent> Backlog, ChannelReader<StoreEvent> Live, IDisposable Subscription) Watch(string? resource, long fromRevision)
    {
        lock (_gate)
        {
            if (fromRevision < _compacted) throw new StoreException(StoreFailure.TooOld, Format(_compacted));
            var backlog = _log.Where(e => e.Revision > fromRevision && (resource is null || e.Resource == resource)).ToList();
            var sub = new Subscriber(resource, Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true }));
            _subscribers.Add(sub);
            return (backlog, sub.Channel.Reader, new Unsubscribe(this, sub));
        }
    }

    /// <summary>Objects of all namespaced resources in namespace <paramref name="ns"/> right now.</summary>
    public IReadOnlyList<(string Resource, StoredObject Object)> InNamespace(string ns)
    {
        lock (_gate)
        {
            var (from, to) = Range(ns);
            var result = new List<(string, StoredObject)>();
            foreach (var (resource, table) in _tables)
            {
                foreach (var key in table.KeysBetween(from, to))
                {
                    if (table.TryGet(key, out var v)) result.Add((resource, v));
                }
            }
            return result;
        }
    }

    // Value of each key changed after `rev` as it was at `rev` (null = absent then); the earliest later event wins.
    private SortedDictionary<string, StoredObject?> Overlay(string resource, long rev, string from, string to)
    {
        var overlay = new SortedDictionary<string, StoredObject?>(StringComparer.Ordinal);
        for (var node = _log.Last; node is not null && node.Value.Revision > rev; node = node.Previous)
        {
            var e = node.Value;
            if (e.Resource != resource) continue;
            var key = e.Object.Key;
            if (string.CompareOrdinal(key, from) < 0 || string.CompareOrdinal(key, to) >= 0) continue;
            overlay[key] = e.Previous;
        }
        return overlay;
    }

    private static IEnumerable<string> Merge(IEnumerable<string> a, IEnumerable<string> b)
    {
        using var ea = a.GetEnumerator();
        using var eb = b.GetEnumerator();
        bool ha = ea.MoveNext(), hb = eb.MoveNext();
        while (ha || hb)
        {
            var cmp = !ha ? 1 : !hb ? -1 : string.CompareOrdinal(ea.Current, eb.Current);
            if (cmp <= 0)
            {
                yield return ea.Current;
                if (cmp == 0) hb = eb.MoveNext();
                ha = ea.MoveNext();
            }
            else
            {
                yield return eb.Current;
                hb = eb.MoveNext();
            }
        }
    }

    private sealed class Unsubscribe(ObjectStore store, Subscriber sub) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate) store._subscribers.Remove(sub);
            sub.Channel.Writer.TryComplete();
        }
    }
}
