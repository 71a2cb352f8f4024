using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Tables;

/// <summary>
/// core/v1 Event columns as kube-apiserver's printEvent renders them (server side always "wide";
/// kubectl hides the priority-1 columns): LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and with
/// <c>-o wide</c> SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME. Events have no leading Name column.
/// </summary>
internal static class EventColumns
{
    public static IReadOnlyList<PrinterColumn> All { get; } =
    [
        Column("Last Seen", "string", 0, (o, now) => LastSeen(o, now)),
        Column("Type", "string", 0, (o, _) => Json.Text(o["type"]) ?? ""),
        Column("Reason", "string", 0, (o, _) => Json.Text(o["reason"]) ?? ""),
        Column("Object", "string", 0, (o, _) => Target(o["involvedObject"])),
        Column("Subobject", "string", 1, (o, _) => Json.Text(o["involvedObject"]?["fieldPath"]) ?? ""),
        Column("Source", "string", 1, (o, _) => Source(o)),
        Column("Message", "string", 0, (o, _) => (Json.Text(o["message"]) ?? "").Trim()),
        Column("First Seen", "string", 1, (o, now) => FirstSeen(o, now)),
        Column("Count", "string", 1, (o, _) => Count(o)),
        new PrinterColumn("Name", "string", ".metadata.name", TableConverter.NameDescription, 1, "name")
        {
            Cell = (o, _) => o["metadata"]?["name"]?.DeepClone(),
        },
    ];

    private static PrinterColumn Column(string name, string type, int priority, Func<JsonObject, DateTimeOffset, JsonNode?> cell) =>
        new(name, type, "", null, priority, null) { Cell = cell };

    private static JsonNode FirstSeen(JsonObject o, DateTimeOffset now) =>
        TableConverter.AgeOf(o["firstTimestamp"] ?? o["eventTime"], now);

    private static JsonNode LastSeen(JsonObject o, DateTimeOffset now)
    {
        if (o["series"]?["lastObservedTime"] is { } observed)
        {
            return TableConverter.AgeOf(observed, now);
        }

        return o["lastTimestamp"] is { } last ? TableConverter.AgeOf(last, now) : FirstSeen(o, now);
    }

    private static long Count(JsonObject o)
    {
        if (o["series"]?["count"] is JsonValue series)
        {
            return Number(series);
        }

        // Singleton events of the new API carry no count.
        return o["count"] is JsonValue count && Number(count) != 0 ? Number(count) : 1;
    }

    private static string Target(JsonNode? involved)
    {
        var kind = (Json.Text(involved?["kind"]) ?? "").ToLowerInvariant();
        var name = Json.Text(involved?["name"]);
        return string.IsNullOrEmpty(name) ? kind : $"{kind}/{name}";
    }

    private static string Source(JsonObject o)
    {
        var component = FirstNonEmpty(Json.Text(o["source"]?["component"]), Json.Text(o["reportingComponent"]));
        var instance = FirstNonEmpty(Json.Text(o["source"]?["host"]), Json.Text(o["reportingInstance"]));
        return instance.Length == 0 ? component : $"{component}, {instance}";
    }

    private static string FirstNonEmpty(string? a, string? b) => !string.IsNullOrEmpty(a) ? a : b ?? "";

    private static long Number(JsonValue v) =>
        v.GetValueKind() == JsonValueKind.Number ? (long)double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : 0;
}
