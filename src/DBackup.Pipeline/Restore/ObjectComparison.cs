using System.Text;
using System.Text.Json;
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
        !Differs(ToElement(Comparable(wanted)), ToElement(actual), [], into: null);

    /// <summary>
    /// <see cref="IsSubset(JsonNode?, JsonNode?)"/> over UTF-8 JSON objects, without building node trees (a restore
    /// reads back thousands of objects); only a Secret with <c>stringData</c> goes through <see cref="Comparable"/>, which folds it into <c>data</c>.
    /// </summary>
    /// <exception cref="JsonException">Either side is not JSON.</exception>
    public static bool IsSubset(ReadOnlyMemory<byte> wanted, ReadOnlyMemory<byte> actual)
    {
        using var a = JsonDocument.Parse(actual);
        return IsSubset(wanted, a.RootElement, apiVersion: null, kind: null);
    }

    /// <summary>
    /// <see cref="IsSubset(ReadOnlyMemory{byte}, ReadOnlyMemory{byte})"/> against an object as a LIST returns it: items
    /// of built-in types carry no <c>apiVersion</c> and <c>kind</c>, so where <paramref name="actual"/> lacks them it
    /// counts as holding <paramref name="apiVersion"/> and <paramref name="kind"/> (the listed resource's). Nothing is copied.
    /// </summary>
    /// <exception cref="JsonException"><paramref name="wanted"/> is not JSON.</exception>
    public static bool IsSubset(ReadOnlyMemory<byte> wanted, JsonElement actual, string? apiVersion, string? kind)
    {
        using var w = JsonDocument.Parse(wanted);
        var root = w.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("stringData", out _))
        {
            root = ToElement(Comparable(JsonNode.Parse(wanted.Span)));
        }

        if (root.ValueKind != JsonValueKind.Object || actual.ValueKind != JsonValueKind.Object)
        {
            return !Differs(root, actual, [], into: null);
        }

        foreach (var field in root.EnumerateObject())
        {
            if (actual.TryGetProperty(field.Name, out var value))
            {
                if (Differs(field.Value, value, [], into: null))
                {
                    return false;
                }
            }
            else if (!HoldsTypeField(field, apiVersion, kind) && Differs(field.Value, default, [], into: null))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HoldsTypeField(JsonProperty field, string? apiVersion, string? kind) =>
        field.Value.ValueKind == JsonValueKind.String
        && ((field.NameEquals("apiVersion"u8) && apiVersion is not null && field.Value.ValueEquals(apiVersion))
            || (field.NameEquals("kind"u8) && kind is not null && field.Value.ValueEquals(kind)));

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
            if (value?.GetValueKind() == JsonValueKind.String)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string)value!));
            }
        }

        return copy;
    }

    /// <summary>The differing leaves as path segments (a label key may itself contain dots).</summary>
    internal static List<string[]> LeafDifferences(JsonNode? wanted, JsonNode? actual, string[] path)
    {
        var result = new List<string[]>();
        Differs(ToElement(wanted), ToElement(actual), path, result);
        return result;
    }

    /// <summary>A path for people: segments joined with dots, <c>(object)</c> for the root.</summary>
    internal static string Display(string[] path) => path.Length == 0 ? "(object)" : string.Join('.', path);

    /// <summary>
    /// The one comparison: whether <paramref name="actual"/> lacks anything of <paramref name="wanted"/>. An absent
    /// field (<see cref="JsonValueKind.Undefined"/>) counts as JSON null. With <paramref name="into"/>, every differing
    /// leaf is added to it in field order; without, the walk stops at the first difference.
    /// </summary>
    private static bool Differs(JsonElement wanted, JsonElement actual, string[] path, List<string[]>? into)
    {
        switch (wanted.ValueKind)
        {
            case JsonValueKind.Object:
                if (actual.ValueKind != JsonValueKind.Object)
                {
                    return Differ(path, into);
                }

                var differs = false;
                foreach (var field in wanted.EnumerateObject())
                {
                    var value = actual.TryGetProperty(field.Name, out var found) ? found : default;
                    if (Differs(field.Value, value, into is null ? path : [.. path, field.Name], into))
                    {
                        differs = true;
                        if (into is null)
                        {
                            return true;
                        }
                    }
                }

                return differs;
            case JsonValueKind.Array:
                // Servers default fields inside list elements too (a Service port's protocol, a container's
                // imagePullPolicy): same length, and each element holds the wanted element.
                return actual.ValueKind == JsonValueKind.Array && actual.GetArrayLength() == wanted.GetArrayLength()
                    && !wanted.EnumerateArray().Zip(actual.EnumerateArray()).Any(pair => Differs(pair.First, pair.Second, path, into: null))
                    ? false
                    : Differ(path, into);
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return actual.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? false : Differ(path, into);
            default:
                return actual.ValueKind != JsonValueKind.Undefined && JsonElement.DeepEquals(wanted, actual) ? false : Differ(path, into);
        }
    }

    private static bool Differ(string[] path, List<string[]>? into)
    {
        into?.Add(path);
        return true;
    }

    private static JsonElement ToElement(JsonNode? node) => node is null ? default : JsonSerializer.SerializeToElement(node);
}
