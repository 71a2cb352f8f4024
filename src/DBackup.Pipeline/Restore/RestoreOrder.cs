namespace DBackup.Pipeline.Restore;

/// <summary>
/// The order a restore applies objects in, so that what an object needs exists before it:
/// CRDs, then Namespaces, ServiceAccounts, Secrets, ConfigMaps, the rest of core, RBAC, workloads,
/// other built-in groups, and custom resources last.
/// </summary>
public static class RestoreOrder
{
    private static readonly string[] BuiltInGroups =
        ["apps", "batch", "autoscaling", "policy", "storage.k8s.io"];

    /// <summary>Rank of a resource; lower goes first.</summary>
    public static int Rank(string group, string resource) => (group, resource) switch
    {
        ("apiextensions.k8s.io", "customresourcedefinitions") => 0,
        ("", "namespaces") => 1,
        ("", "serviceaccounts") => 2,
        ("", "secrets") => 3,
        ("", "configmaps") => 4,
        ("", _) => 5,
        ("rbac.authorization.k8s.io", _) => 6,
        ("apps", _) or ("batch", _) => 7,
        _ when IsBuiltIn(group) => 8,
        _ => 9,
    };

    /// <summary>Whether a group is served by kube-apiserver itself rather than defined by a CRD.</summary>
    public static bool IsBuiltIn(string group) =>
        group.Length == 0 || BuiltInGroups.Contains(group) || group.EndsWith(".k8s.io", StringComparison.Ordinal);
}
