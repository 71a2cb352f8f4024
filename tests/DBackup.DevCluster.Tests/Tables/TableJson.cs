using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Tests.Tables;

internal static class TableJson
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Row <paramref name="row"/>'s cells as readable JSON (no \u003C escapes).</summary>
    public static string Cells(JsonObject table, int row = 0) => table["rows"]![row]!["cells"]!.ToJsonString(Relaxed);
}
