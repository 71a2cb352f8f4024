using System.Text.Json.Nodes;

namespace DBackup.Pipeline.Objects;

/// <summary>
/// Strips the fields an API server fills in, so an object can be re-applied to another cluster or
/// committed to a GitOps repository.
/// </summary>
/// <remarks>
/// Removed: <c>metadata.uid</c>, <c>resourceVersion</c>, <c>generation</c>, <c>creationTimestamp</c>,
/// <c>managedFields</c>, <c>selfLink</c>, <c>deletionTimestamp</c>, <c>deletionGracePeriodSeconds</c>,
/// <c>ownerReferences</c> (the owners' uids do not exist elsewhere), the last-applied annotation, and
/// <c>status</c>. Services also lose <c>spec.clusterIP</c>/<c>clusterIPs</c>, except a headless
/// <c>None</c>, which is a user's choice. Empty <c>annotations</c>/<c>labels</c> maps left behind are removed.
/// </remarks>
public static class ObjectCleaner
{
    /// <summary>The annotation where <c>kubectl apply</c> keeps the previous configuration.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The server-populated metadata fields that are removed (<see cref="ListItemCleaner"/> drops the same).</summary>
    internal static readonly string[] ServerMetadata =
    [
        "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
        "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences",
    ];

    /// <summary>Returns a cleaned deep copy; the input is never changed.</summary>
    public static JsonObject Clean(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("status");

        if (copy["metadata"] is JsonObject meta)
        {
            foreach (var field in ServerMetadata)
            {
                meta.Remove(field);
            }

            if (meta["annotations"] is JsonObject annotations)
            {
                annotations.Remove(LastAppliedAnnotation);
            }

            RemoveIfEmpty(meta, "annotations");
            RemoveIfEmpty(meta, "labels");
        }

        if (ObjectFields.IsCore(copy, "Service") && copy["spec"] is JsonObject spec)
        {
            var headless = ObjectFields.StringOf(spec["clusterIP"]) == "None";
            if (!headless)
            {
                spec.Remove("clusterIP");
                spec.Remove("clusterIPs");
            }
        }

        return copy;
    }

    private static void RemoveIfEmpty(JsonObject parent, string field)
    {
        if (parent[field] is JsonObject { Count: 0 })
        {
            parent.Remove(field);
        }
    }
}
