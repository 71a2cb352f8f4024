using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// Create-only "review" resources that answer instead of storing: with no authorization enforced, every
/// access review is allowed (what an AlwaysAllow apiserver says), and whoami reports the single dev user.
/// </summary>
internal static class Reviews
{
    private const string Reason = "DevCluster does not enforce authorization";

    public static IEnumerable<ResourceType> All() =>
    [
        Review("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview",
            _ => new JsonObject { ["allowed"] = true, ["reason"] = Reason }),
        Review("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview", _ => new JsonObject
        {
            ["resourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") }),
            ["nonResourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") }),
            ["incomplete"] = false,
        }),
        Review("authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview", _ => new JsonObject
        {
            ["userInfo"] = new JsonObject { ["username"] = "devcluster", ["groups"] = new JsonArray("system:masters", "system:authenticated") },
        }),
    ];

    private static ResourceType Review(string group, string plural, string kind, Func<JsonObject, JsonObject> answer) => new()
    {
        Group = group,
        Plural = plural,
        Singular = kind.ToLowerInvariant(),
        Kind = kind,
        Namespaced = false,
        Versions = [new ResourceVersion("v1", Storage: true, StatusSubresource: false)],
        Verbs = ["create"],
        Answer = answer,
    };
}
