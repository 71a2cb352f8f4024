using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Patch;

/// <summary>
/// Strategic merge patch as in apimachinery's strategicpatch: maps merge and <c>null</c> deletes;
/// lists merge by key (or as a set of primitives) where <see cref="StrategicMergeKeys"/> says so and
/// are replaced otherwise; directives <c>$patch: replace|delete|merge</c>, <c>$retainKeys</c>,
/// <c>$deleteFromPrimitiveList/&lt;field&gt;</c> and <c>$setElementOrder/&lt;field&gt;</c> are honoured.
/// </summary>
/// <remarks>
/// <c>$setElementOrder</c> follows Go's normalizeElementOrder, including how items the patch did
/// not mention are interleaved. Merge keys are compared as JSON values.
/// </remarks>
internal static class StrategicMergePatcher
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";
    private const string SetElementOrderPrefix = "$setElementOrder/";

    public static JsonObject Apply(JsonObject original, JsonObject patch, StrategicMergeKeys keys) =>
        MergeMap(original, patch, "", keys);

    /// <summary>Merges <paramref name="patch"/> into <paramref name="original"/> (mutated, or replaced per directive).</summary>
    private static JsonObject MergeMap(JsonObject original, JsonObject patch, string path, StrategicMergeKeys keys)
    {
        switch (patch.TryGetPropertyValue(PatchDirective, out var directive) ? GoFormat.Value(directive) : null)
        {
            case "replace":
                return MergeMap(new JsonObject(), Without(patch, PatchDirective), path, keys);
            case "delete":
                // handleDirectiveInMergeMap answers an empty map, not a missing key.
                return new JsonObject();
            case null:
                break;
            case var other:
                throw PatchException.Unknown($"unknown patch type: {other} in map: {GoFormat.Value(patch)}");
        }

        ApplyRetainKeys(original, patch);
        foreach (var (key, value) in patch.Where(kv => kv.Key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)))
        {
            var field = key[DeleteFromPrimitiveListPrefix.Length..];
            if (value is not JsonArray remove)
            {
                throw PatchException.BadRequest("invalid patch format of primitive list");
            }

            if (original[field] is JsonArray list)
            {
                foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                {
                    list.Remove(item);
                }
            }
        }

        // $setElementOrder orders against the list as it was before this patch.
        var before = patch.Where(kv => kv.Key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            .Select(kv => kv.Key[SetElementOrderPrefix.Length..])
            .ToDictionary(f => f, f => original[f] is JsonArray a ? a.Select(i => i?.DeepClone()).ToList() : [], StringComparer.Ordinal);

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            var childPath = path.Length == 0 ? key : path + "." + key;
            if (value is null)
            {
                original.Remove(key);
                continue;
            }

            var existing = original[key];
            JsonNode? merged = (existing, value) switch
            {
                (JsonObject o, JsonObject p) => MergeMap(o, p, childPath, keys),
                (JsonArray o, JsonArray p) => MergeList(o, p, childPath, keys),
                // A new map carrying a $patch directive is dropped (removeDirectives).
                (_, JsonObject p) => p.ContainsKey(PatchDirective) ? null : MergeMap(new JsonObject(), p, childPath, keys),
                (_, JsonArray p) => MergeList(new JsonArray(), p, childPath, keys),
                _ => value.DeepClone(),
            };

            if (merged is null)
            {
                original.Remove(key);
            }
            else if (!ReferenceEquals(merged, existing))
            {
                original[key] = merged;
            }
        }

        foreach (var (key, value) in patch.Where(kv => kv.Key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)))
        {
            var field = key[SetElementOrderPrefix.Length..];
            if (value is not JsonArray order)
            {
                throw PatchException.BadRequest("invalid patch format of setElementOrder list");
            }

            if (original[field] is JsonArray list)
            {
                var fieldPath = path.Length == 0 ? field : path + "." + field;
                SetElementOrder.Apply(list, order, keys.ForList(fieldPath)?.MergeKey, before[field]);
            }
        }

        return original;
    }

    // applyRetainKeysDirective: every key the patch sets must be listed; original keys not listed go.
    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retainNode))
        {
            return;
        }

        if (retainNode is not JsonArray retain)
        {
            throw PatchException.BadRequest("invalid patch format of retainKeys");
        }

        var kept = retain.Select(GoFormat.Value).ToHashSet(StringComparer.Ordinal);
        if (patch.Any(kv => kv.Value is not null && !kv.Key.StartsWith('$') && !kept.Contains(kv.Key)))
        {
            throw PatchException.BadRequest("invalid patch format of retainKeys");
        }

        foreach (var key in original.Select(kv => kv.Key).Where(k => !kept.Contains(k)).ToList())
        {
            original.Remove(key);
        }
    }

    private static JsonArray MergeList(JsonArray original, JsonArray patch, string path, StrategicMergeKeys keys)
    {
        var strategy = keys.ForList(path);
        var replace = patch.Any(item => item is JsonObject o && Directive(o) == "replace");
        if (strategy is null || replace)
        {
            var items = patch.Where(item => !(item is JsonObject o && Directive(o) == "replace"));
            return new JsonArray(items.Select(item => item is JsonObject o ? MergeMap(new JsonObject(), o, path, keys) : item?.DeepClone()).ToArray());
        }

        if (strategy.MergeKey is null)
        {
            foreach (var item in patch.Where(item => !original.Any(existing => JsonNode.DeepEquals(existing, item))))
            {
                original.Add(item?.DeepClone());
            }

            return original;
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem)
            {
                throw PatchException.Unknown($"expected a map, but received a {GoFormat.Value(item)} in list {path}");
            }

            var itemDirective = Directive(patchItem);
            if (itemDirective is not (null or "delete" or "merge"))
            {
                throw PatchException.Unknown($"unknown patch type: {itemDirective} in map: {GoFormat.Value(patchItem)}");
            }

            var isDelete = itemDirective == "delete";
            if (!patchItem.TryGetPropertyValue(strategy.MergeKey, out var keyValue))
            {
                throw PatchException.Unknown($"map: {GoFormat.Value(patchItem)} does not contain declared merge key: {strategy.MergeKey}");
            }

            var matches = original.OfType<JsonObject>().Where(o => JsonNode.DeepEquals(o[strategy.MergeKey], keyValue)).ToList();
            if (isDelete)
            {
                matches.ForEach(m => original.Remove(m));
            }
            else if (matches.Count > 0)
            {
                MergeMap(matches[0], Without(patchItem, PatchDirective), path, keys);
            }
            else
            {
                original.Add(MergeMap(new JsonObject(), Without(patchItem, PatchDirective), path, keys));
            }
        }

        return original;
    }

    private static string? Directive(JsonObject o) =>
        o.Str(PatchDirective);

    private static JsonObject Without(JsonObject o, string key)
    {
        var copy = (JsonObject)o.DeepClone();
        copy.Remove(key);
        return copy;
    }
}
