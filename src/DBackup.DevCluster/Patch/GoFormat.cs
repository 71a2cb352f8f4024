using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Patch;

/// <summary>Renders JSON like Go's <c>%v</c> of the decoded value (<c>map[a:1 b:[x y]]</c>), for error texts.</summary>
internal static class GoFormat
{
    public static string Value(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject o => "map[" + string.Join(" ", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + Value(kv.Value))) + "]",
        JsonArray a => "[" + string.Join(" ", a.Select(Value)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
