using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Tables;

/// <summary>Columns of the PersistentVolumeClaim printer (kube 1.32).</summary>
internal static class PvcColumns
{
    public static IReadOnlyList<PrinterColumn> All(PrinterColumn age) =>
    [
        BuiltInColumns.Computed("Status", "string", o => o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : Json.Text(o["status"]?["phase"]) ?? ""),
        BuiltInColumns.Computed("Volume", "string", o => Json.Text(o["spec"]?["volumeName"]) ?? ""),
        // Capacity and access modes are only shown once the claim is bound to a volume.
        BuiltInColumns.Computed("Capacity", "string", o => Bound(o) ? Json.Text(o["status"]?["capacity"]?["storage"]) ?? "" : ""),
        BuiltInColumns.Computed("Access Modes", "string", o => Bound(o) ? Modes(o["status"]?["accessModes"]) : ""),
        BuiltInColumns.Computed("StorageClass", "string", o => Json.Text(o["spec"]?["storageClassName"]) ?? ""),
        BuiltInColumns.Computed("VolumeAttributesClass", "string", o => Json.Text(o["spec"]?["volumeAttributesClassName"]) ?? "<unset>"),
        age,
        BuiltInColumns.Computed("VolumeMode", "string", o => Json.Text(o["spec"]?["volumeMode"]) ?? "<unset>", priority: 1),
    ];

    private static bool Bound(JsonObject o) => !string.IsNullOrEmpty(Json.Text(o["spec"]?["volumeName"]));

    private static string Modes(JsonNode? modes) =>
        string.Join(",", (modes as JsonArray ?? []).Select(m => Json.Text(m) switch
        {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            var other => other ?? "",
        }).Distinct());
}
