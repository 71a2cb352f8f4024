using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Tables;

/// <summary>
/// Columns of kube-apiserver's built-in printers (pkg/printers/internalversion) for the resources
/// DevCluster serves; cells are computed like the Go printers (Age as <see cref="HumanDuration"/> text).
/// </summary>
internal static class BuiltInColumns
{
    public static IReadOnlyList<PrinterColumn> For(string group, string resource) => (group, resource) switch
    {
        ("", "configmaps") => [Computed("Data", "string", o => Count(o["data"]) + Count(o["binaryData"])), Age()],
        ("", "secrets") => [Computed("Type", "string", o => Json.Text(o["type"])), Computed("Data", "string", o => Count(o["data"])), Age()],
        ("", "events") => EventColumns.All,
        ("", "namespaces") => [Computed("Status", "string", o => Json.Text(o["status"]?["phase"])), Age()],
        ("", "serviceaccounts") => [Computed("Secrets", "string", o => Count(o["secrets"])), Age()],
        ("", "services") =>
        [
            Computed("Type", "string", o => Json.Text(o["spec"]?["type"]) ?? "ClusterIP"),
            Computed("Cluster-IP", "string", o => Json.Text(o["spec"]?["clusterIP"]) ?? "<none>"),
            Computed("External-IP", "string", o => Json.Text(o["spec"]?["externalIPs"]?[0]) ?? "<none>"),
            Computed("Port(s)", "string", o => Ports(o["spec"]?["ports"])),
            Age(),
            Computed("Selector", "string", o => Selector(o["spec"]?["selector"]), priority: 1),
        ],
        ("", "pods") =>
        [
            Computed("Ready", "string", o => $"{Count((o["status"]?["containerStatuses"] as JsonArray)?.Where(c => c?["ready"]?.GetValueKind() == JsonValueKind.True))}/{Count(o["spec"]?["containers"])}"),
            Computed("Status", "string", o => Json.Text(o["status"]?["phase"]) ?? "Pending"),
            Computed("Restarts", "integer", o => (o["status"]?["containerStatuses"] as JsonArray)?.Sum(c => Int(c?["restartCount"])) ?? 0),
            Age(),
            Computed("IP", "string", o => Json.Text(o["status"]?["podIP"]) ?? "<none>", priority: 1),
            Computed("Node", "string", o => Json.Text(o["spec"]?["nodeName"]) ?? "<none>", priority: 1),
        ],
        ("apps", "deployments") =>
        [
            Computed("Ready", "string", o => $"{Int(o["status"]?["readyReplicas"])}/{Int(o["spec"]?["replicas"], 1)}"),
            Computed("Up-to-date", "integer", o => Int(o["status"]?["updatedReplicas"])),
            Computed("Available", "integer", o => Int(o["status"]?["availableReplicas"])),
            Age(),
            Computed("Containers", "string", o => Join(o["spec"]?["template"]?["spec"]?["containers"], "name"), priority: 1),
            Computed("Images", "string", o => Join(o["spec"]?["template"]?["spec"]?["containers"], "image"), priority: 1),
            Computed("Selector", "string", o => Selector(o["spec"]?["selector"]?["matchLabels"]), priority: 1),
        ],
        ("apiextensions.k8s.io", "customresourcedefinitions") => [CreatedAt()],
        ("rbac.authorization.k8s.io", "roles" or "clusterroles") => [CreatedAt()],
        ("rbac.authorization.k8s.io", "rolebindings" or "clusterrolebindings") => RbacColumns.Bindings(Age()),
        ("coordination.k8s.io", "leases") => [Computed("Holder", "string", o => Json.Text(o["spec"]?["holderIdentity"]) ?? ""), Age()],
        ("", "persistentvolumeclaims") => PvcColumns.All(Age()),
        _ => [Age()],
    };

    // The default convertor (CRDs, roles): the creation time itself, not an age.
    private static PrinterColumn CreatedAt() =>
        new("Created At", "date", ".metadata.creationTimestamp", PrinterColumn.CreationTimestampDescription, 0, null)
        {
            Cell = (o, _) => o["metadata"]?["creationTimestamp"]?.DeepClone(),
        };

    private static PrinterColumn Age() =>
        new("Age", "string", ".metadata.creationTimestamp", PrinterColumn.CreationTimestampDescription, 0, null)
        {
            Cell = (o, now) => TableConverter.AgeOf(o["metadata"]?["creationTimestamp"], now),
        };

    internal static PrinterColumn Computed(string name, string type, Func<JsonObject, JsonNode?> cell, int priority = 0) =>
        new(name, type, "", null, priority, null) { Cell = (o, _) => cell(o) };

    private static string Join(JsonNode? items, string field) =>
        string.Join(",", (items as JsonArray)?.Select(i => Json.Text(i?[field])).OfType<string>() ?? []);

    // A label map printed the way labels.SelectorFromSet renders it: sorted k=v pairs, or <none>.
    private static string Selector(JsonNode? labels) =>
        labels is JsonObject { Count: > 0 } map
            ? string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Json.Text(kv.Value)}"))
            : "<none>";

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    private static int Count(IEnumerable<JsonNode?>? items) => items?.Count() ?? 0;

    private static long Int(JsonNode? node, long fallback = 0) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? (long)double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : fallback;

    private static string Ports(JsonNode? ports)
    {
        if (ports is not JsonArray { Count: > 0 } list)
        {
            return "<none>";
        }

        return string.Join(",", list.Select(p =>
        {
            var text = Int(p?["port"]).ToString(CultureInfo.InvariantCulture);
            if (p?["nodePort"] is not null)
            {
                text += ":" + Int(p["nodePort"]).ToString(CultureInfo.InvariantCulture);
            }

            return text + "/" + (Json.Text(p?["protocol"]) ?? "TCP");
        }));
    }
}
