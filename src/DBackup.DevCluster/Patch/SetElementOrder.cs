using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Patch;

/// <summary>The <c>$setElementOrder/&lt;field&gt;</c> directive of strategic merge patch.</summary>
internal static class SetElementOrder
{
    /// <summary>
    /// Go's normalizeElementOrder: items named in the order list are sorted by it; the others keep
    /// their relative order and are interleaved by their position in the pre-patch list.
    /// </summary>
    public static void Apply(JsonArray list, JsonArray order, string? mergeKey, List<JsonNode?> before)
    {
        JsonNode? Key(JsonNode? item) => mergeKey is not null && item is JsonObject o ? o[mergeKey] : item;
        int IndexIn(IReadOnlyList<JsonNode?> items, JsonNode? item)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (JsonNode.DeepEquals(Key(items[i]), Key(item)))
                {
                    return i;
                }
            }

            return -1;
        }

        var orderList = order.ToList();
        var items = list.ToList();
        var patched = items.Where(i => IndexIn(orderList, i) >= 0).OrderBy(i => IndexIn(orderList, i)).ToList();
        var serverOnly = items.Where(i => IndexIn(orderList, i) < 0).ToList();
        var result = new List<JsonNode?>(items.Count);
        int s = 0, p = 0;
        while (s < serverOnly.Count || p < patched.Count)
        {
            if (p >= patched.Count)
            {
                result.Add(serverOnly[s++]);
            }
            else if (s >= serverOnly.Count)
            {
                result.Add(patched[p++]);
            }
            else
            {
                var left = IndexIn(before, serverOnly[s]);
                var right = IndexIn(before, patched[p]);
                result.Add(left >= 0 && right >= 0 && left < right ? serverOnly[s++] : patched[p++]);
            }
        }

        list.Clear();
        foreach (var item in result)
        {
            list.Add(item);
        }
    }
}
