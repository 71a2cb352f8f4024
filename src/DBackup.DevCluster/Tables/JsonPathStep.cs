using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Tables;

/// <summary>One step of a parsed JSONPath; each maps a node to the nodes it selects.</summary>
internal abstract record JsonPathStep
{
    public abstract IEnumerable<JsonNode?> Apply(JsonNode? node);
}

internal sealed record FieldStep(string Name) : JsonPathStep
{
    public override IEnumerable<JsonNode?> Apply(JsonNode? node) =>
        node is JsonObject o && o.TryGetPropertyValue(Name, out var child) ? [child] : [];
}

internal sealed record IndexStep(int Index) : JsonPathStep
{
    public override IEnumerable<JsonNode?> Apply(JsonNode? node)
    {
        if (node is not JsonArray a)
        {
            return [];
        }

        var i = Index < 0 ? a.Count + Index : Index;
        return i >= 0 && i < a.Count ? [a[i]] : [];
    }
}

internal sealed record SliceStep(int? Start, int? End) : JsonPathStep
{
    public override IEnumerable<JsonNode?> Apply(JsonNode? node)
    {
        if (node is not JsonArray a)
        {
            return [];
        }

        var start = Math.Clamp(Start is { } s ? (s < 0 ? a.Count + s : s) : 0, 0, a.Count);
        var end = Math.Clamp(End is { } e ? (e < 0 ? a.Count + e : e) : a.Count, 0, a.Count);
        return a.Skip(start).Take(Math.Max(0, end - start)).ToList();
    }
}

internal sealed record WildcardStep : JsonPathStep
{
    public override IEnumerable<JsonNode?> Apply(JsonNode? node) => node switch
    {
        JsonObject o => o.Select(kv => kv.Value).ToList(),
        JsonArray a => a.ToList(),
        _ => [],
    };
}

internal sealed record RecursiveStep(string Name) : JsonPathStep
{
    public override IEnumerable<JsonNode?> Apply(JsonNode? node)
    {
        var results = new List<JsonNode?>();
        Walk(node, results);
        return results;
    }

    private void Walk(JsonNode? node, List<JsonNode?> results)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.TryGetPropertyValue(Name, out var v))
                {
                    results.Add(v);
                }

                foreach (var (_, child) in o)
                {
                    Walk(child, results);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Walk(child, results);
                }

                break;
        }
    }
}

/// <summary><c>[?(@.path op literal)]</c>, or <c>[?(@.path)]</c> when <see cref="Operator"/> is null.</summary>
internal sealed record FilterStep(IReadOnlyList<JsonPathStep> Left, string? Operator, JsonNode? Right) : JsonPathStep
{
    public override IEnumerable<JsonNode?> Apply(JsonNode? node)
    {
        IEnumerable<JsonNode?> items = node switch
        {
            JsonArray a => a,
            JsonObject o => [o],
            _ => [],
        };
        return items.Where(Matches).ToList();
    }

    private bool Matches(JsonNode? item)
    {
        IEnumerable<JsonNode?> values = [item];
        foreach (var step in Left)
        {
            values = values.SelectMany(step.Apply).ToList();
        }

        var found = values.ToList();
        if (Operator is null)
        {
            return found.Count > 0;
        }

        return found.Count > 0 && Operator switch
        {
            "==" => JsonPathExpression.Compare(found[0], Right) == 0,
            "!=" => JsonPathExpression.Compare(found[0], Right) != 0,
            "<" => JsonPathExpression.Compare(found[0], Right) < 0,
            "<=" => JsonPathExpression.Compare(found[0], Right) <= 0,
            ">" => JsonPathExpression.Compare(found[0], Right) > 0,
            ">=" => JsonPathExpression.Compare(found[0], Right) >= 0,
            _ => false,
        };
    }
}
