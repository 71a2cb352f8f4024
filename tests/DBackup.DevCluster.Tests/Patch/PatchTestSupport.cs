using System.Text;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Patch;

namespace DBackup.DevCluster.Tests.Patch;

internal static class PatchTestSupport
{
    public static string Apply(string original, string contentType, string patch, StrategicMergeKeys? keys = null) =>
        PatchApplier.Apply(JsonNode.Parse(original)!.AsObject(), contentType, Encoding.UTF8.GetBytes(patch), keys).ToJsonString();

    /// <summary>Normalises JSON written in tests (whitespace) for string comparison.</summary>
    public static string Json(string json) => JsonNode.Parse(json)!.ToJsonString();
}
