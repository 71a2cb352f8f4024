using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace DBackup.DevCluster.Store;

/// <summary>
/// The emulated etcd: one global revision counter shared by every resource, current objects per resource,
/// and a bounded log of recent changes. The log serves watch resume and lists "as of" an older revision
/// (consistent paging); anything older than the log is compacted and answers 410 Gone.
/// All writes take one lock, which keeps revisions strictly ordered and watch streams gap-free.
/// </summary>
internal sealed partial class ObjectStore(int historyWindow, TimeSpan historyRetention, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResourceTable> _tables = new(StringComparer.Ordinal);
    private readonly LinkedList<StoreEvent> _log = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly Dictionary<string, HashSet<(string Resource, string Key)>> _byOwner = new(StringComparer.Ordinal);
    private long _revision = 1;
    private long _compacted = 1;

    /// <summary>The latest committed revision.</summary>
    public long Revision { get { lock (_gate) return _revision; } }

    /// <summary>The oldest revision that can still be listed or watched from.</summary>
    public long CompactedRevision { get { lock (_gate) return _compacted; } }

    public StoredObject? Get(string resource, string key)
    {
        lock (_gate) return Table(resource).TryGet(key, out var v) ? v : null;
    }

    public StoredObject Create(string resource, JsonObject obj)
    {
        lock (_gate)
        {
            var table = Table(resource);
            var key = KeyOf(obj);
            if (table.TryGet(key, out _)) throw new StoreException(StoreFailure.AlreadyExists, key);
            var stored = StoredObject.Freeze(obj, _revision + 1);
            _revision++;
            table.Put(stored);
            IndexOwners(resource, null, stored);
            Append(new StoreEvent(_revision, StoreEventType.Added, resource, stored, null, time.GetUtcNow()));
            return stored;
        }
    }

    /// <summary>Replaces the object if its current revision is <paramref name="expectedRevision"/>.</summary>
    public StoredObject Update(string resource, JsonObject obj, long expectedRevision)
    {
        lock (_gate)
        {
            var table = Table(resource);
            var key = KeyOf(obj);
            if (!table.TryGet(key, out var current)) throw new StoreException(StoreFailure.NotFound, key);
            if (current.Revision != expectedRevision) throw new StoreException(StoreFailure.Conflict, key);
            var stored = StoredObject.Freeze(obj, _revision + 1);
            _revision++;
            table.Put(stored);
            IndexOwners(resource, current, stored);
            Append(new StoreEvent(_revision, StoreEventType.Modified, resource, stored, current, time.GetUtcNow()));
            return stored;
        }
    }

    /// <summary>Removes the object if its current revision is <paramref name="expectedRevision"/>; returns its last state.</summary>
    public StoredObject Delete(string resource, string key, long expectedRevision)
    {
        lock (_gate)
        {
            var table = Table(resource);
            if (!table.TryGet(key, out var current)) throw new StoreException(StoreFailure.NotFound, key);
            if (current.Revision != expectedRevision) throw new StoreException(StoreFailure.Conflict, key);
            // Like etcd, the DELETED event carries the deletion revision.
            var gone = current.WithRevision(_revision + 1);
            _revision++;
            table.Remove(key);
            IndexOwners(resource, current, null);
            Append(new StoreEvent(_revision, StoreEventType.Deleted, resource, gone, current, time.GetUtcNow()));
            return gone;
        }
    }

    /// <summary>Objects (any resource) that list <paramref name="ownerUid"/> in their ownerReferences.</summary>
    public IReadOnlyList<(string Resource, StoredObject Object)> Dependents(string ownerUid)
    {
        lock (_gate)
        {
            if (!_byOwner.TryGetValue(ownerUid, out var set)) return [];
            return set.Select(e => (e.Resource, Table(e.Resource).TryGet(e.Key, out var o) ? o : null))
                .Where(e => e.Item2 is not null).Select(e => (e.Resource, e.Item2!)).ToList();
        }
    }

    /// <summary>Current objects of a resource in a namespace ("" = all namespaces or cluster scope).</summary>
    public IReadOnlyList<StoredObject> Current(string resource, string ns)
    {
        lock (_gate)
        {
            var table = Table(resource);
            var (from, to) = Range(ns);
            return table.KeysBetween(from, to).Select(k => { table.TryGet(k, out var v); return v; }).ToList();
        }
    }

    /// <summary>Resources that currently hold at least one object.</summary>
    public IReadOnlyList<string> Resources()
    {
        lock (_gate) return _tables.Where(t => t.Value.Count > 0).Select(t => t.Key).ToList();
    }

    /// <summary>Forgets all history, as an etcd compaction at the current revision would.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _log.Clear();
            _compacted = _revision;
        }
    }

    internal static (string From, string To) Range(string ns) =>
        ns.Length == 0 ? ("", "\uffff") : (ns + "/", ns + "/\uffff");

    private static string KeyOf(JsonObject obj)
    {
        var meta = obj["metadata"]!;
        return StoredObject.KeyOf(meta["namespace"]?.GetValue<string>() ?? "", meta["name"]!.GetValue<string>());
    }

    private ResourceTable Table(string resource)
    {
        if (!_tables.TryGetValue(resource, out var t)) _tables[resource] = t = new ResourceTable();
        return t;
    }

    private void IndexOwners(string resource, StoredObject? before, StoredObject? after)
    {
        foreach (var uid in before?.OwnerUids ?? [])
        {
            if (_byOwner.TryGetValue(uid, out var set) && set.Remove((resource, before!.Key)) && set.Count == 0) _byOwner.Remove(uid);
        }
        foreach (var uid in after?.OwnerUids ?? [])
        {
            if (!_byOwner.TryGetValue(uid, out var set)) _byOwner[uid] = set = [];
            set.Add((resource, after!.Key));
        }
    }

    private void Append(StoreEvent e)
    {
        _log.AddLast(e);
        var horizon = e.At - historyRetention;
        while (_log.Count > historyWindow || (_log.First is { } f && f.Value.At < horizon))
        {
            // The state at the removed event's revision stays reconstructible from what is left.
            _compacted = _log.First!.Value.Revision;
            _log.RemoveFirst();
        }
        foreach (var s in _subscribers)
        {
            if (s.Resource is null || s.Resource == e.Resource) s.Channel.Writer.TryWrite(e);
        }
    }

    internal static string Format(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    private sealed record Subscriber(string? Resource, Channel<StoreEvent> Channel);
}
