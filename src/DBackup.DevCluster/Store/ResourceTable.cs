namespace DBackup.DevCluster.Store;

/// <summary>
/// Current objects of one resource (group + plural). Keys are "namespace/name" kept in ordinal order,
/// so a namespace is a contiguous key range and pages resume after the last returned key, like etcd.
/// </summary>
internal sealed class ResourceTable
{
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredObject> _items = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    public bool TryGet(string key, out StoredObject value) => _items.TryGetValue(key, out value!);

    public void Put(StoredObject value)
    {
        if (_items.TryAdd(value.Key, value)) _keys.Add(value.Key);
        else _items[value.Key] = value;
    }

    public void Remove(string key)
    {
        if (_items.Remove(key)) _keys.Remove(key);
    }

    /// <summary>Keys in [<paramref name="from"/>, <paramref name="to"/>) in order.</summary>
    public IEnumerable<string> KeysBetween(string from, string to)
    {
        if (_keys.Count == 0 || string.CompareOrdinal(from, to) >= 0) return [];
        var max = _keys.Max!;
        if (string.CompareOrdinal(from, max) > 0) return [];
        // GetViewBetween is inclusive; the upper sentinel never equals a real key.
        return _keys.GetViewBetween(from, to);
    }

    public IEnumerable<StoredObject> Values => _items.Values;
}
