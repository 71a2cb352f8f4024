using System.Text.Json.Nodes;
using System.Text.Json;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Patch;

/// <summary>
/// RFC 6902 JSON patch as kube-apiserver applies it (evanphx/json-patch v4): decoding problems are
/// 400s, more than 10000 operations 413, operations that do not apply 422 with the library's text.
/// </summary>
/// <remarks>
/// v4 quirks are kept on purpose: <c>replace</c> of a missing object key adds it, a missing
/// <c>value</c> means null, and <c>test</c> of a missing key against null succeeds.
/// </remarks>
internal static class JsonPatchDocument
{
    private const int MaxOperations = 10000;

    public static JsonNode? Apply(JsonNode? doc, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            throw PatchException.BadRequest($"json: cannot unmarshal {GoType(patch)} into Go value of type jsonpatch.Patch");
        }

        if (ops.Count > MaxOperations)
        {
            throw new PatchException(413, $"The allowed maximum operations in a JSON patch is {MaxOperations}, got {ops.Count}");
        }

        if (ops.FirstOrDefault(o => o is not JsonObject) is { } bad)
        {
            throw PatchException.BadRequest($"json: cannot unmarshal {GoType(bad)} into Go value of type jsonpatch.Operation");
        }

        foreach (var op in ops.Cast<JsonObject>())
        {
            doc = ApplyOne(doc, op);
        }

        return doc;
    }

    private static JsonNode? ApplyOne(JsonNode? doc, JsonObject op)
    {
        var kind = op.Str("op") ?? "unknown";
        var path = op.Str("path");
        var value = op["value"]?.DeepClone();
        switch (kind)
        {
            case "add":
                Require(path, "add operation failed to decode path: missing value");
                var ac = Find(doc, path!, out var addKey, $"add operation does not apply: doc is missing path: \"{path}\": missing value");
                Do(JsonPatchContainer.Add(ac, addKey, value), $"error in add for path: '{path}'");
                return doc;
            case "remove":
                Require(path, "remove operation failed to decode path: missing value");
                var rc = Find(doc, path!, out var removeKey, $"remove operation does not apply: doc is missing path: \"{path}\": missing value");
                Do(JsonPatchContainer.Remove(rc, removeKey), $"error in remove for path: '{path}'");
                return doc;
            case "replace":
                Require(path, "replace operation failed to decode path: operation missing path field: missing value");
                if (path!.Length == 0)
                {
                    return value is JsonObject or JsonArray ? value : throw PatchException.Unprocessable("replace operation value must be object or array");
                }

                var pc = Find(doc, path, out var replaceKey, $"replace operation does not apply: doc is missing path: {path}: missing value");
                if (JsonPatchContainer.Get(pc, replaceKey, out _) is not null)
                {
                    throw PatchException.Unprocessable($"replace operation does not apply: doc is missing key: {path}: missing value");
                }

                Do(JsonPatchContainer.Set(pc, replaceKey, value), $"error in remove for path: '{path}'");
                return doc;
            case "move":
                return Move(doc, op, path);
            case "copy":
                return Copy(doc, op, path);
            case "test":
                Test(doc, op, path);
                return doc;
            default:
                throw PatchException.Unprocessable("Unexpected kind: " + kind);
        }
    }

    private static JsonNode? Move(JsonNode? doc, JsonObject op, string? path)
    {
        var from = op.Str("from");
        Require(from, "move operation failed to decode from: operation, missing from field: missing value");
        var fc = Find(doc, from!, out var fromKey, $"move operation does not apply: doc is missing from path: {from}: missing value");
        Do(JsonPatchContainer.Get(fc, fromKey, out var moved), $"error in move for path: '{fromKey}'");
        Do(JsonPatchContainer.Remove(fc, fromKey), $"error in move for path: '{fromKey}'");
        Require(path, "move operation failed to decode path: operation missing path field: missing value");
        var tc = Find(doc, path!, out var toKey, $"move operation does not apply: doc is missing destination path: {path}: missing value");
        Do(JsonPatchContainer.Add(tc, toKey, moved), $"error in move for path: '{path}'");
        return doc;
    }

    private static JsonNode? Copy(JsonNode? doc, JsonObject op, string? path)
    {
        var from = op.Str("from");
        Require(from, "copy operation failed to decode from: operation, missing from field: missing value");
        var fc = Find(doc, from!, out var fromKey, $"copy operation does not apply: doc is missing from path: {from}: missing value");
        Do(JsonPatchContainer.Get(fc, fromKey, out var copied), $"error in copy for from: '{from}'");
        Require(path, "copy operation failed to decode path: missing value");
        var tc = Find(doc, path!, out var toKey, $"copy operation does not apply: doc is missing destination path: {path}: missing value");
        Do(JsonPatchContainer.Add(tc, toKey, copied?.DeepClone()), "error while adding value during copy");
        return doc;
    }

    private static void Test(JsonNode? doc, JsonObject op, string? path)
    {
        Require(path, "test operation failed to decode path: operation missing path field: missing value");
        var expected = op["value"];
        JsonNode? actual;
        if (path!.Length == 0)
        {
            actual = doc;
        }
        else
        {
            var tc = Find(doc, path, out var key, $"test operation does not apply: is missing path: {path}: missing value");
            Do(JsonPatchContainer.Get(tc, key, out actual), $"error in test for path: '{path}'");
        }

        // Missing and null are the same to v4 (both decode to a nil node).
        if (!JsonNode.DeepEquals(actual, expected))
        {
            throw PatchException.Unprocessable($"testing value {path} failed: test failed");
        }
    }

    private static JsonNode Find(JsonNode? doc, string path, out string key, string missing) =>
        JsonPatchContainer.Find(doc, path, out key) ?? throw PatchException.Unprocessable(missing);

    private static void Do(string? error, string context)
    {
        if (error is not null)
        {
            throw PatchException.Unprocessable($"{context}: {error}");
        }
    }

    private static void Require(string? value, string message)
    {
        if (value is null)
        {
            throw PatchException.Unprocessable(message);
        }
    }

    private static string GoType(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };
}
