namespace DBackup.Operator.Kubernetes;

/// <summary>A resource the API server serves, as discovery describes it.</summary>
/// <param name="Group">API group; empty for core.</param>
/// <param name="Version">The group's preferred version.</param>
/// <param name="Resource">Plural resource name.</param>
/// <param name="Kind">Kind of its objects.</param>
/// <param name="Namespaced">Whether objects live in namespaces.</param>
/// <param name="Verbs">Verbs the server allows.</param>
public sealed record ApiResource(string Group, string Version, string Resource, string Kind, bool Namespaced, IReadOnlyList<string> Verbs)
{
    /// <summary><c>v1</c> for core, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name users write in a policy: <c>configmaps</c> or <c>widgets.example.com</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    /// <summary>The URL path of the collection, in a namespace or (null) across the cluster/all namespaces.</summary>
    public string CollectionPath(string? @namespace)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return @namespace is null || !Namespaced
            ? $"{root}/{Resource}"
            : $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Resource}";
    }

    /// <inheritdoc />
    public override string ToString() => QualifiedName;
}
