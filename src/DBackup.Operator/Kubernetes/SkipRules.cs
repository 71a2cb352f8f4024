using System.Text.Json.Nodes;

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
        var metadata = item["metadata"] as JsonObject;
        var name = metadata?["name"]?.GetValue<string>();
        if (metadata?["labels"] is JsonObject labels && labels[ExcludeLabel]?.GetValue<string>() == "true")
        {
            return $"labelled {ExcludeLabel}=true";
        }

        if (resource.Group.Length == 0 && resource.Resource == "configmaps" && name == "kube-root-ca.crt")
        {
            return "published into every namespace by kube-controller-manager";
        }

        if (resource.Group.Length == 0 && resource.Resource == "secrets"
            && item["type"]?.GetValue<string>() == "kubernetes.io/service-account-token")
        {
            return "service-account token, minted by the cluster";
        }

        if (!includeControllerOwned && metadata?["ownerReferences"] is JsonArray owners
            && owners.OfType<JsonObject>().Any(o => o["controller"]?.GetValue<bool>() == true))
        {
            return "owned by a controller, which recreates it";
        }

        return null;
    }
}
