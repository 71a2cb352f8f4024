using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Objects a backup leaves out because the cluster makes them itself, or because the user said so.
/// Restoring them would fight the controllers that own them.
/// </summary>
public static class SkipRules
{
    /// <summary>Label that excludes an object from every backup.</summary>
    public const string ExcludeLabel = "dbackup.io/exclude";

    /// <summary>Returns why <paramref name="item"/> is skipped, or null when it is kept.</summary>
    public static string? Reason(ApiResource resource, JsonObject item, bool includeControllerOwned)
    {
        ArgumentNullException.ThrowIfNull(item);
        var metadata = item["metadata"] as JsonObject;
        var excluded = metadata?["labels"] is JsonObject labels ? Text(labels[ExcludeLabel]) : null;
        var controllerOwned = metadata?["ownerReferences"] is JsonArray owners
            && owners.OfType<JsonObject>().Any(o => o["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController);
        return Reason(resource, Text(metadata?["name"]), excluded, Text(item["type"]), controllerOwned, includeControllerOwned);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>
    /// Returns why an item is skipped, from what <see cref="ListItemCleaner"/> read while cleaning it (cleaned with
    /// <see cref="ExcludeLabel"/> as its watched label), or null when it is kept.
    /// </summary>
    public static string? Reason(ApiResource resource, ListItemFacts facts, bool includeControllerOwned)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Reason(resource, facts.Name, facts.WatchedLabelValue, facts.Type, facts.ControllerOwned, includeControllerOwned);
    }

    private static string? Reason(ApiResource resource, string? name, string? excludeLabel, string? type, bool controllerOwned, bool includeControllerOwned)
    {
        if (excludeLabel == "true")
        {
            return $"labelled {ExcludeLabel}=true";
        }

        if (resource.Group.Length == 0 && resource.Resource == "configmaps" && name == "kube-root-ca.crt")
        {
            return "published into every namespace by kube-controller-manager";
        }

        if (resource.Group.Length == 0 && resource.Resource == "secrets" && type == "kubernetes.io/service-account-token")
        {
            return "service-account token, minted by the cluster";
        }

        if (!includeControllerOwned && controllerOwned)
        {
            return "owned by a controller, which recreates it";
        }

        return null;
    }
}
