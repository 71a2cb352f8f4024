using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.Pipeline.Objects;

/// <summary>Type-safe reads of API object fields shared by the cleaner, the redactor and the collector.</summary>
internal static class ObjectFields
{
    /// <summary>The node's text when it is a JSON string; null for anything else (missing, number, object ...).</summary>
    public static string? StringOf(JsonNode? node) =>
        node?.GetValueKind() == JsonValueKind.String ? (string?)node : null;

    /// <summary>Whether the object is a core <c>v1</c> object of <paramref name="kind"/>.</summary>
    public static bool IsCore(JsonObject obj, string kind) =>
        StringOf(obj["apiVersion"]) == "v1" && StringOf(obj["kind"]) == kind;
}
