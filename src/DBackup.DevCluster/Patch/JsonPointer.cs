using System.Globalization;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Patch;

/// <summary>RFC 6901 JSON pointers (<c>~1</c> is <c>/</c>, <c>~0</c> is <c>~</c>; <c>-</c> appends to arrays).</summary>
internal static class JsonPointer
{
    public static string[] Parse(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw PatchException.Unprocessable($"JSON pointer must be empty or start with a \"/\": {pointer}");
        }

        return pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    public static JsonNode? Get(JsonNode? doc, string[] segments, out bool found)
    {
        var current = doc;
        foreach (var segment in segments)
        {
            switch (current)
            {
                case JsonObject o when o.TryGetPropertyValue(segment, out var child):
                    current = child;
                    break;
                case JsonArray a when TryIndex(segment, a.Count, out var i):
                    current = a[i];
                    break;
                default:
                    found = false;
                    return null;
            }
        }

        found = true;
        return current;
    }

    public static JsonNode? Add(JsonNode? doc, string[] segments, JsonNode? value, string path)
    {
        if (segments.Length == 0)
        {
            return value;
        }

        var parent = Get(doc, segments[..^1], out var found);
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject o when found:
                o[last] = value;
                return doc;
            case JsonArray a when found:
                if (last == "-")
                {
                    a.Add(value);
                }
                else if (TryIndex(last, a.Count + 1, out var i))
                {
                    a.Insert(i, value);
                }
                else
                {
                    throw PatchException.Unprocessable($"add operation does not apply: index out of bounds: {path}");
                }

                return doc;
            default:
                throw PatchException.Unprocessable($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        }
    }

    public static JsonNode? Remove(JsonNode? doc, string[] segments, string path, out JsonNode? removed, string? missingMessage = null)
    {
        var message = missingMessage ?? $"remove operation does not apply: doc is missing path: \"{path}\": missing value";
        if (segments.Length == 0)
        {
            removed = doc;
            return null;
        }

        var parent = Get(doc, segments[..^1], out var found);
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject o when found && o.TryGetPropertyValue(last, out var child):
                o.Remove(last);
                removed = child;
                return doc;
            case JsonArray a when found && TryIndex(last, a.Count, out var i):
                removed = a[i];
                a.RemoveAt(i);
                return doc;
            default:
                throw PatchException.Unprocessable(message);
        }
    }

    private static bool TryIndex(string segment, int count, out int index) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out index)
        && (segment == "0" || segment[0] != '0') && index < count;
}
