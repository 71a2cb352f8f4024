using System.Text.Json.Nodes;
using DBackup.Operator.Manifests;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>Objects rendered by helm or kustomize, parsed the way kubectl reads YAML.</summary>
internal sealed class Rendered(IReadOnlyList<JsonObject> objects)
{
    public IReadOnlyList<JsonObject> Objects { get; } = objects;

    public static Rendered Parse(string yaml) =>
        new(ManifestLoader.LoadText("rendered.yaml", yaml).Select(d => d.Object).ToList());

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Kind(o) == kind);

    public JsonObject Single(string kind, string name)
    {
        var match = Objects.Where(o => Kind(o) == kind && Name(o) == name).ToList();
        Assert.True(match.Count == 1, $"expected one {kind} {name}, found {match.Count}; rendered: {string.Join(", ", Objects.Select(Describe))}");
        return match[0];
    }

    public bool Has(string kind) => Objects.Any(o => Kind(o) == kind);

    public static string Kind(JsonObject o) => (string)o["kind"]!;

    public static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    public static string? Namespace(JsonObject o) => (string?)o["metadata"]!["namespace"];

    public static string Describe(JsonObject o) => $"{Kind(o)} {Namespace(o)}/{Name(o)}";

    /// <summary>JSON text with object keys sorted at every level, to compare objects whatever their key order.</summary>
    public static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(',', o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(',', a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    /// <summary>The Deployment's only container.</summary>
    public JsonObject OperatorContainer(string deployment) =>
        Single("Deployment", deployment)["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!.AsObject();
}
