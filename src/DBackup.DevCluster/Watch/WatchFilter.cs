using DBackup.DevCluster.Http;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Watch;

/// <summary>
/// Decides what a selective watch sees: objects entering the selection arrive as ADDED, objects
/// leaving it as DELETED, as the apiserver's watch cache does.
/// </summary>
internal sealed class WatchFilter(string ns, LabelSelector labels, FieldSelector fields)
{
    public bool Matches(StoredObject o) =>
        (ns.Length == 0 || o.Namespace == ns) && labels.Matches(o.Labels) && fields.Matches(o);

    /// <summary>The wire type to send for <paramref name="e"/>, or null to skip it.</summary>
    public string? Translate(StoreEvent e)
    {
        var now = Matches(e.Object);
        var before = e.Previous is not null && Matches(e.Previous);
        return e.Type switch
        {
            StoreEventType.Added => now ? "ADDED" : null,
            StoreEventType.Deleted => before ? "DELETED" : null,
            _ => (before, now) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => null,
            },
        };
    }
}
