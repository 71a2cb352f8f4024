using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// The apiserver round-trips custom resources' <c>metadata</c> (and that of embedded resources)
/// through the ObjectMeta type, which silently drops fields ObjectMeta does not have; with
/// <c>fieldValidation=Strict</c> those fields are reported as <c>metadata.foo</c>.
/// </summary>
internal static class ObjectMetaFields
{
    private static readonly HashSet<string> Meta = new(StringComparer.Ordinal)
    {
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields",
    };

    private static readonly HashSet<string> OwnerReference = new(StringComparer.Ordinal)
    {
        "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion",
    };

    private static readonly HashSet<string> ManagedFieldsEntry = new(StringComparer.Ordinal)
    {
        "manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource",
    };

    /// <summary>The fields of ObjectMeta (also the layout the built-in kinds' metadata is pruned to).</summary>
    internal static IReadOnlyCollection<string> Names => Meta;

    /// <summary>The fields of an OwnerReference.</summary>
    internal static IReadOnlyCollection<string> OwnerReferenceNames => OwnerReference;

    /// <summary>Removes unknown fields from <paramref name="metadata"/>, recording their paths under <paramref name="path"/>.</summary>
    public static void Prune(JsonObject metadata, string path, List<string>? unknown)
    {
        Drop(metadata, Meta, path, unknown);
        PruneItems(metadata["ownerReferences"], OwnerReference, path + ".ownerReferences", unknown);
        PruneItems(metadata["managedFields"], ManagedFieldsEntry, path + ".managedFields", unknown);
    }

    private static void PruneItems(JsonNode? list, HashSet<string> known, string path, List<string>? unknown)
    {
        if (list is not JsonArray items)
        {
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is JsonObject item)
            {
                Drop(item, known, $"{path}[{i}]", unknown);
            }
        }
    }

    private static void Drop(JsonObject obj, HashSet<string> known, string path, List<string>? unknown)
    {
        foreach (var key in obj.Select(kv => kv.Key).Where(k => !known.Contains(k)).ToList())
        {
            unknown?.Add(path + "." + key);
            obj.Remove(key);
        }
    }
}
