using System.Text;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Restore;

/// <summary>
/// Whether a live object already holds what a restore would write: every field of the wanted object must be
/// present with the same value (the server may add defaults and status, also inside list elements). A Secret's <c>stringData</c> is
/// compared as the <c>data</c> the server turns it into.
/// </summary>
public static class ObjectComparison
{
    /// <summary>Whether every field of <paramref name="wanted"/> has the same value in <paramref name="actual"/>.</summary>
    public static bool IsSubset(JsonNode? wanted, JsonNode? actual) =>
        LeafDifferences(Comparable(wanted), actual, []).Count == 0;

    /// <summary>The leaf paths where <paramref name="actual"/> does not hold <paramref name="wanted"/>'s value, in field order.</summary>
    public static IReadOnlyList<string> DifferingPaths(JsonNode? wanted, JsonNode? actual) =>
        LeafDifferences(Comparable(wanted), actual, []).Select(Display).ToList();

    /// <summary>
    /// The wanted object as the server stores it, for comparison only: a Secret's <c>stringData</c> is folded into
    /// <c>data</c> (base64), as the API server does on write. Other objects are returned as they are.
    /// </summary>
    public static JsonNode? Comparable(JsonNode? wanted)
    {
        if (wanted is not JsonObject obj || !SecretRedactor.IsSecret(obj) || obj["stringData"] is not JsonObject stringData)
        {
            return wanted;
        }

        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("stringData");
        var data = copy["data"] as JsonObject ?? new JsonObject();
        copy["data"] = data;
        foreach (var (key, value) in stringData)
        {
            if (value?.GetValueKind() == System.Text.Json.JsonValueKind.String)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string)value!));
            }
        }

        return copy;
    }

    /// <summary>The differing leaves as path segments (a label key may itself contain dots).</summary>
    internal static List<string[]> LeafDifferences(JsonNode? wanted, JsonNode? actual, string[] path)
    {
        if (wanted is JsonObject w)
        {
            if (actual is not JsonObject a)
            {
                return [path];
            }

            var result = new List<string[]>();
            foreach (var (key, value) in w)
            {
                result.AddRange(LeafDifferences(value, a[key], [.. path, key]));
            }

            return result;
        }

        if (wanted is JsonArray wantedItems)
        {
            // Servers default fields inside list elements too (a Service port's protocol, a container's
            // imagePullPolicy): same length, and each element holds the wanted element.
            return actual is JsonArray actualItems && actualItems.Count == wantedItems.Count
                && wantedItems.Select((item, i) => LeafDifferences(item, actualItems[i], path).Count == 0).All(same => same)
                ? []
                : [path];
        }

        return JsonNode.DeepEquals(wanted, actual) ? [] : [path];
    }

    /// <summary>A path for people: segments joined with dots, <c>(object)</c> for the root.</summary>
    internal static string Display(string[] path) => path.Length == 0 ? "(object)" : string.Join('.', path);
}
