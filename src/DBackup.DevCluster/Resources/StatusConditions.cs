using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// Status conditions of the objects the emulated controllers own (CRDs, namespaces), with
/// meta.SetStatusCondition semantics: the transition time changes only when the status flips.
/// </summary>
internal static class StatusConditions
{
    public static void Set(JsonObject obj, string type, string status, string reason, string message, string now)
    {
        var conditions = obj.Obj("status")["conditions"] as JsonArray ?? (JsonArray)(obj.Obj("status")["conditions"] = new JsonArray());
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);
        if (existing is null)
        {
            conditions.Add(new JsonObject { ["type"] = type, ["status"] = status, ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message });
            return;
        }
        if (existing.Str("status") != status) existing["lastTransitionTime"] = now;
        existing["status"] = status;
        existing["reason"] = reason;
        existing["message"] = message;
    }

    public static bool IsTrue(JsonObject obj, string type) =>
        obj["status"]?["conditions"] is JsonArray a && a.OfType<JsonObject>().Any(c => c.Str("type") == type && c.Str("status") == "True");
}
