using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Restore;

/// <summary>
/// A short field-level diff for an update, such as <c>data.color: "red" → "blue"; metadata.labels.tier: (none) → "web"</c>.
/// The values of a Secret's <c>data</c> and <c>stringData</c> are never shown: those paths read
/// <c>data.password: (secret value changed)</c>.
/// </summary>
public static class FieldDiff
{
    /// <summary>Most paths listed; the rest are counted.</summary>
    public const int MaxPaths = 5;

    /// <summary>Longest value shown before it is cut with an ellipsis.</summary>
    public const int MaxValueLength = 40;

    /// <summary>What replacing <paramref name="current"/> with <paramref name="wanted"/> changes.</summary>
    public static string Describe(JsonObject current, JsonObject wanted)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(wanted);
        var comparable = ObjectComparison.Comparable(wanted);
        var secret = SecretRedactor.IsSecret(wanted) || SecretRedactor.IsSecret(current);
        var paths = ObjectComparison.LeafDifferences(comparable, current, []);
        if (paths.Count == 0)
        {
            return "no field differs";
        }

        return Shorten(paths.Select(p => Entry(p, current, comparable, secret)).ToList(), "; ");
    }

    /// <summary>The first <see cref="MaxPaths"/> of <paramref name="entries"/> joined by <paramref name="separator"/>, the rest counted.</summary>
    public static string Shorten(IReadOnlyList<string> entries, string separator)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = string.Join(separator, entries.Take(MaxPaths));
        return entries.Count > MaxPaths ? $"{text} (+{entries.Count - MaxPaths} more)" : text;
    }

    private static string Entry(string[] path, JsonNode current, JsonNode? wanted, bool secret)
    {
        var display = ObjectComparison.Display(path);
        if (secret && (path.Length == 0 || path[0] is "data" or "stringData"))
        {
            return $"{display}: (secret value changed)";
        }

        return $"{display}: {Show(At(current, path))} → {Show(At(wanted, path))}";
    }

    private static JsonNode? At(JsonNode? node, string[] path)
    {
        foreach (var part in path)
        {
            node = (node as JsonObject)?[part];
        }

        return node;
    }

    private static string Show(JsonNode? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var text = value.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return text.Length <= MaxValueLength ? text : text[..(MaxValueLength - 1)] + "…";
    }
}
