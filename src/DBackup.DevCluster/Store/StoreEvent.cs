namespace DBackup.DevCluster.Store;

/// <summary>Watch event types as they appear on the wire.</summary>
internal enum StoreEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One committed change. <see cref="Previous"/> is the state before the change (null for ADDED),
/// which lets a list be served "as of" an older revision and lets selector watches
/// turn a MODIFIED into ADDED/DELETED when an object enters or leaves the selection.
/// </summary>
internal sealed record StoreEvent(long Revision, StoreEventType Type, string Resource, StoredObject Object, StoredObject? Previous, DateTimeOffset At)
{
    public string WireType => Type switch
    {
        StoreEventType.Added => "ADDED",
        StoreEventType.Modified => "MODIFIED",
        _ => "DELETED",
    };
}
