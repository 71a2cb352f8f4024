namespace DBackup.Pipeline.Archive;

/// <summary>
/// Identifies one API object inside a backup. The archive path is derived from it:
/// <c>&lt;component&gt;/&lt;group or core&gt;/&lt;resource&gt;/&lt;namespace or _cluster&gt;/&lt;name&gt;.json</c>.
/// </summary>
/// <param name="Component">The policy source (component) the object was collected for.</param>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Version">API version within the group, e.g. <c>v1</c>.</param>
/// <param name="Resource">Plural resource name, e.g. <c>configmaps</c>.</param>
/// <param name="Kind">Kind, e.g. <c>ConfigMap</c>.</param>
/// <param name="Namespace">Namespace, or <see langword="null"/> for cluster-scoped objects.</param>
/// <param name="Name">Object name.</param>
public sealed record ObjectRef(
    string Component,
    string Group,
    string Version,
    string Resource,
    string Kind,
    string? Namespace,
    string Name)
{
    /// <summary>Folder name used for the core API group.</summary>
    public const string CoreGroupFolder = "core";

    /// <summary>Folder name used for cluster-scoped objects.</summary>
    public const string ClusterScopeFolder = "_cluster";

    /// <summary>The <c>apiVersion</c> string: <c>v1</c> for core, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The object's path inside the archive.</summary>
    public string ArchivePath =>
        $"{Component}/{(Group.Length == 0 ? CoreGroupFolder : Group)}/{Resource}/{Namespace ?? ClusterScopeFolder}/{Name}.json";

    /// <inheritdoc />
    public override string ToString() =>
        Namespace is null ? $"{Resource}.{Group}/{Name}".Replace("./", "/", StringComparison.Ordinal) : $"{Resource}.{Group}/{Namespace}/{Name}".Replace("./", "/", StringComparison.Ordinal);
}
