using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Tables;

/// <summary>
/// The subset of client-go's JSONPath that printer columns use: <c>.a.b</c>, <c>['a.b']</c>,
/// <c>[0]</c>, <c>[-1]</c>, <c>[*]</c>, <c>.*</c>, <c>..name</c> and filters such as
/// <c>[?(@.type=="Ready")]</c> (<c>== != &lt; &lt;= &gt; &gt;=</c>, or bare <c>@.x</c> for existence).
/// Missing keys yield no results rather than an error (client-go's <c>AllowMissingKeys(true)</c>).
/// </summary>
internal sealed class JsonPathExpression
{
    private readonly IReadOnlyList<JsonPathStep> _steps;

    private JsonPathExpression(IReadOnlyList<JsonPathStep> steps) => _steps = steps;

    /// <summary>Parses a path with or without the surrounding <c>{}</c>.</summary>
    /// <exception cref="FormatException">The path is not in the supported subset.</exception>
    public static JsonPathExpression Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1].Trim();
        }

        return new JsonPathExpression(JsonPathParser.Parse(text));
    }

    /// <summary>All values the path selects, in document order; empty when nothing matches.</summary>
    public IReadOnlyList<JsonNode?> Evaluate(JsonNode? root)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var step in _steps)
        {
            current = current.SelectMany(step.Apply).ToList();
        }

        return current.ToList();
    }

    /// <summary>Renders a value like client-go's JSONPath printer: strings raw, maps and lists as compact JSON.</summary>
    public static string Print(JsonNode? value) => value switch
    {
        null => "<nil>",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject or JsonArray => SortedJson(value),
        _ => value.ToJsonString(),
    };

    // Go's encoding/json writes map keys sorted; keep the same text so cells match the real server.
    private static string SortedJson(JsonNode node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => JsonSerializer.Serialize(kv.Key) + ":" + (kv.Value is null ? "null" : SortedJson(kv.Value)))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(i => i is null ? "null" : SortedJson(i))) + "]",
        _ => node.ToJsonString(),
    };

    internal static int Compare(JsonNode? left, JsonNode? right)
    {
        if (left is JsonValue l && right is JsonValue r
            && l.GetValueKind() == JsonValueKind.Number && r.GetValueKind() == JsonValueKind.Number)
        {
            return ToDouble(l).CompareTo(ToDouble(r));
        }

        return string.CompareOrdinal(Print(left), Print(right));
    }

    private static double ToDouble(JsonNode n) => double.Parse(n.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
