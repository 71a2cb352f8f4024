using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Patch;

/// <summary>
/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) with RFC 6901 pointers.
/// Decoding problems are 400s; operations that do not apply are 422s, as in the apiserver.
/// </summary>
internal static class JsonPatchDocument
{
    public static JsonNode? Apply(JsonNode? doc, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            throw PatchException.BadRequest("error decoding patch: a JSON patch must be an array of operations");
        }

        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op)
            {
                throw PatchException.BadRequest("error decoding patch: each JSON patch operation must be an object");
            }

            doc = ApplyOne(doc, op);
        }

        return doc;
    }

    private static JsonNode? ApplyOne(JsonNode? doc, JsonObject op)
    {
        var kind = StringField(op, "op") ?? throw PatchException.Unprocessable("Unexpected kind: <missing op>");
        var path = StringField(op, "path") ?? throw PatchException.Unprocessable($"{kind} operation missing path");
        var segments = JsonPointer.Parse(path);
        switch (kind)
        {
            case "add":
                return JsonPointer.Add(doc, segments, RequireValue(op, kind), path);
            case "remove":
                return JsonPointer.Remove(doc, segments, path, out _);
            case "replace":
                doc = JsonPointer.Remove(doc, segments, path, out _, "replace operation does not apply: doc is missing key: " + path);
                return JsonPointer.Add(doc, segments, RequireValue(op, kind), path);
            case "move":
            {
                var from = StringField(op, "from") ?? throw PatchException.Unprocessable("move operation missing from");
                doc = JsonPointer.Remove(doc, JsonPointer.Parse(from), from, out var moved);
                return JsonPointer.Add(doc, segments, moved, path);
            }

            case "copy":
            {
                var from = StringField(op, "from") ?? throw PatchException.Unprocessable("copy operation missing from");
                var value = JsonPointer.Get(doc, JsonPointer.Parse(from), out var found);
                if (!found)
                {
                    throw PatchException.Unprocessable($"copy operation does not apply: doc is missing from path: {from}");
                }

                return JsonPointer.Add(doc, segments, value?.DeepClone(), path);
            }

            case "test":
            {
                var actual = JsonPointer.Get(doc, segments, out var found);
                var expected = op.TryGetPropertyValue("value", out var v) ? v : null;
                if (!found || !JsonNode.DeepEquals(actual, expected))
                {
                    throw PatchException.Unprocessable($"testing value {path} failed: test failed");
                }

                return doc;
            }

            default:
                throw PatchException.Unprocessable("Unexpected kind: " + kind);
        }
    }

    private static JsonNode? RequireValue(JsonObject op, string kind) =>
        op.TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw PatchException.Unprocessable($"{kind} operation missing value");

    private static string? StringField(JsonObject op, string name) =>
        op[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
