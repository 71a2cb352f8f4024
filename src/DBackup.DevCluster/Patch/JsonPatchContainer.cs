using System.Globalization;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Patch;

/// <summary>
/// Object/array access with the exact semantics and error texts of gopkg.in/evanphx/json-patch.v4,
/// the library kube-apiserver applies JSON patches with: a missing object key reads as null,
/// negative array indices count from the end, and errors are returned as text for wrapping.
/// </summary>
internal static class JsonPatchContainer
{
    /// <summary>The parent container of <paramref name="path"/> and the last (unescaped) key; null when a parent is missing.</summary>
    public static JsonNode? Find(JsonNode? doc, string path, out string key)
    {
        var split = path.Split('/');
        key = split.Length < 2 ? "" : Decode(split[^1]);
        if (split.Length < 2)
        {
            return null;
        }

        var current = doc;
        foreach (var part in split[1..^1])
        {
            if (current is null || Get(current, Decode(part), out var next) is not null || next is not (JsonObject or JsonArray))
            {
                return null;
            }

            current = next;
        }

        return current is JsonObject or JsonArray ? current : null;
    }

    public static string? Get(JsonNode container, string key, out JsonNode? value)
    {
        value = null;
        if (container is JsonObject o)
        {
            value = o[key];
            return null;
        }

        var a = (JsonArray)container;
        if (!TryAtoi(key, out var idx))
        {
            return AtoiError(key);
        }

        if (idx < 0)
        {
            if (idx < -a.Count)
            {
                return InvalidIndex(idx);
            }

            idx += a.Count;
        }

        if (idx >= a.Count)
        {
            return InvalidIndex(idx);
        }

        value = a[idx];
        return null;
    }

    public static string? Add(JsonNode container, string key, JsonNode? value)
    {
        if (container is JsonObject o)
        {
            o[key] = value;
            return null;
        }

        var a = (JsonArray)container;
        if (key == "-")
        {
            a.Add(value);
            return null;
        }

        if (!TryAtoi(key, out var idx))
        {
            return $"value was not a proper array index: '{key}': {AtoiError(key)}";
        }

        var size = a.Count + 1;
        if (idx >= size || idx < -size)
        {
            return InvalidIndex(idx);
        }

        a.Insert(idx < 0 ? idx + size : idx, value);
        return null;
    }

    public static string? Remove(JsonNode container, string key)
    {
        if (container is JsonObject o)
        {
            return o.Remove(key) ? null : $"Unable to remove nonexistent key: {key}: missing value";
        }

        var a = (JsonArray)container;
        if (!TryAtoi(key, out var idx))
        {
            return AtoiError(key);
        }

        if (idx >= a.Count || idx < -a.Count)
        {
            return InvalidIndex(idx);
        }

        a.RemoveAt(idx < 0 ? idx + a.Count : idx);
        return null;
    }

    public static string? Set(JsonNode container, string key, JsonNode? value)
    {
        if (container is JsonObject o)
        {
            o[key] = value;
            return null;
        }

        var a = (JsonArray)container;
        if (!TryAtoi(key, out var idx))
        {
            return AtoiError(key);
        }

        if (idx < -a.Count)
        {
            return InvalidIndex(idx);
        }

        a[idx < 0 ? idx + a.Count : idx] = value;
        return null;
    }

    private static string Decode(string part) =>
        part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    // Go's strconv.Atoi: an optional sign and decimal digits, nothing else.
    private static bool TryAtoi(string s, out int value) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static string AtoiError(string key) => $"strconv.Atoi: parsing \"{key}\": invalid syntax";

    private static string InvalidIndex(int idx) => $"Unable to access invalid index: {idx}: invalid index referenced";
}
