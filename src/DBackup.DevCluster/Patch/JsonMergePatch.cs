using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Patch;

/// <summary>
/// RFC 7386 JSON merge patch as evanphx/json-patch v4 (used by kube-apiserver) applies it: objects
/// merge recursively and <c>null</c> deletes; a value placed where there was no object has its
/// nested nulls pruned (also inside arrays), while one replacing an object is taken verbatim.
/// </summary>
internal static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is null)
        {
            throw PatchException.BadRequest("Invalid JSON Patch");
        }

        return Merge(target, patch);
    }

    private static JsonNode? Merge(JsonNode? current, JsonNode patch)
    {
        if (current is not JsonObject doc)
        {
            var replacement = patch.DeepClone();
            PruneNulls(replacement);
            return replacement;
        }

        if (patch is not JsonObject patchDoc)
        {
            return patch.DeepClone();
        }

        foreach (var (key, value) in patchDoc)
        {
            if (value is null)
            {
                doc.Remove(key);
                continue;
            }

            var existing = doc[key];
            var merged = Merge(existing, value);
            if (!ReferenceEquals(merged, existing))
            {
                doc[key] = merged;
            }
        }

        return doc;
    }

    private static void PruneNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
                {
                    o.Remove(key);
                }

                foreach (var (_, child) in o)
                {
                    PruneNulls(child);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    PruneNulls(item);
                }

                break;
        }
    }
}
