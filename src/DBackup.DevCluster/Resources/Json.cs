using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Resources;

/// <summary>Small helpers over System.Text.Json nodes.</summary>
internal static class Json
{
    public static JsonObject Meta(this JsonObject obj) =>
        obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());

    /// <summary>The node's string value, or null when it is missing or not a JSON string.</summary>
    public static string? Text(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    public static string? Str(this JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static JsonObject Obj(this JsonObject obj, string property) =>
        obj[property] as JsonObject ?? (JsonObject)(obj[property] = new JsonObject());

    public static string Name(this JsonObject obj) => obj["metadata"].Str("name") ?? "";

    public static string Namespace(this JsonObject obj) => obj["metadata"].Str("namespace") ?? "";

    public static List<string> Finalizers(this JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray a ? a.Select(f => f?.GetValue<string>() ?? "").ToList() : [];

    public static void SetFinalizers(this JsonObject obj, IEnumerable<string> finalizers)
    {
        var list = finalizers.ToList();
        if (list.Count == 0) obj.Meta().Remove("finalizers");
        else obj.Meta()["finalizers"] = new JsonArray(list.Select(f => (JsonNode)f).ToArray());
    }

    /// <summary>Deep equality ignoring the listed top-level properties.</summary>
    public static bool EqualExcept(JsonObject a, JsonObject b, params string[] ignored)
    {
        var ka = a.Select(p => p.Key).Where(k => !ignored.Contains(k)).ToHashSet();
        var kb = b.Select(p => p.Key).Where(k => !ignored.Contains(k)).ToHashSet();
        return ka.SetEquals(kb) && ka.All(k => JsonNode.DeepEquals(a[k], b[k]));
    }
}
