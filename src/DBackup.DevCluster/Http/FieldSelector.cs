using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Http;

/// <summary>
/// fieldSelector with =, == and !=: metadata.name and metadata.namespace everywhere, plus the fields each
/// resource registers (core Events' involvedObject.*, Secret type, Namespace status.phase, a CRD's
/// selectableFields). A field missing from an object has the value "".
/// </summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, string[]? Path, string Value, bool Equal)> _terms = [];

    public bool IsEmpty => _terms.Count == 0;

    public bool Matches(StoredObject o)
    {
        JsonObject? json = null;
        foreach (var (field, path, value, equal) in _terms)
        {
            string actual;
            if (field == "metadata.name") actual = o.Name;
            else if (field == "metadata.namespace") actual = o.Namespace;
            else actual = Lookup(json ??= o.ToJson(), path!);
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    public static FieldSelector Parse(string? text, ResourceType rt)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text)) return selector;
        foreach (var term in text.Split(','))
        {
            var op = term.Contains("!=", StringComparison.Ordinal) ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=";
            var i = term.IndexOf(op, StringComparison.Ordinal);
            if (i < 0) throw ApiErrors.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            var field = term[..i].Trim();
            string[]? path = null;
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                if (!rt.SelectableFields.TryGetValue(field, out var jsonPath))
                {
                    throw ApiErrors.BadRequest(rt.IsCustom || rt.SelectableFields.Count == 0
                        ? $"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                        : $"field label not supported: {field}");
                }
                path = jsonPath.Split('.');
            }
            selector._terms.Add((field, path, term[(i + op.Length)..].Trim(), op != "!="));
        }
        return selector;
    }

    private static string Lookup(JsonObject obj, string[] path)
    {
        JsonNode? node = obj;
        foreach (var segment in path) node = node is JsonObject o ? o[segment] : null;
        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }
}
