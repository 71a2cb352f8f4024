using DBackup.Pipeline.Archive;

namespace DBackup.Pipeline.Restore;

/// <summary>
/// Which objects of a backup a restore takes, and where they go: component, resource and namespace filters
/// (all as in the backup), plus the namespace mapping applied to what passes them.
/// </summary>
/// <remarks>
/// Resource names are a plural (<c>configmaps</c>, any group) or <c>plural.group</c> (<c>widgets.example.com</c>),
/// case-insensitive. An empty include list means "everything"; excludes win over includes. A namespace filter
/// keeps namespaced objects of those namespaces, and of cluster-scoped objects only the Namespace objects
/// themselves of those namespaces (so <c>includeNamespaces: [shop]</c> restores the namespace and its content,
/// never the CRDs or ClusterRoles that happen to share the backup).
/// </remarks>
public sealed record RestoreSelection
{
    /// <summary>The longest namespace name Kubernetes accepts (an RFC 1123 label).</summary>
    public const int MaxNamespaceNameLength = 63;

    /// <summary>Everything, unrenamed.</summary>
    public static RestoreSelection All { get; } = new();

    /// <summary>Only objects of these components; empty for all.</summary>
    public IReadOnlyCollection<string> Components { get; init; } = [];

    /// <summary>Only these resources (plural or plural.group); empty for all.</summary>
    public IReadOnlyCollection<string> IncludeResources { get; init; } = [];

    /// <summary>Never these resources (plural or plural.group).</summary>
    public IReadOnlyCollection<string> ExcludeResources { get; init; } = [];

    /// <summary>Only objects of these namespaces (names as in the backup); empty for all.</summary>
    public IReadOnlyCollection<string> IncludeNamespaces { get; init; } = [];

    /// <summary>Namespace renames: objects of <c>from</c> go to <c>to</c>, and the Namespace object itself is renamed.</summary>
    public IReadOnlyDictionary<string, string> NamespaceMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the restore takes <paramref name="reference"/>.</summary>
    public bool Includes(ObjectRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (Components.Count > 0 && !Components.Contains(reference.Component, StringComparer.Ordinal))
        {
            return false;
        }

        if (IncludeResources.Count > 0 && !IncludeResources.Any(r => Matches(r, reference)))
        {
            return false;
        }

        if (ExcludeResources.Any(r => Matches(r, reference)))
        {
            return false;
        }

        if (IncludeNamespaces.Count == 0)
        {
            return true;
        }

        return reference.Namespace is { } ns
            ? IncludeNamespaces.Contains(ns, StringComparer.Ordinal)
            : IsNamespaceObject(reference) && IncludeNamespaces.Contains(reference.Name, StringComparer.Ordinal);
    }

    /// <summary>The namespace an object of <paramref name="reference"/> is restored into; null for cluster-scoped objects.</summary>
    public string? TargetNamespace(ObjectRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Namespace is null ? null : Map(reference.Namespace);
    }

    /// <summary>The name an object is restored under: a mapped Namespace object is renamed, everything else keeps its name.</summary>
    public string TargetName(ObjectRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return IsNamespaceObject(reference) ? Map(reference.Name) : reference.Name;
    }

    /// <summary>A namespace name after the mapping.</summary>
    public string Map(string ns) => NamespaceMapping.TryGetValue(ns, out var to) ? to : ns;

    /// <summary>Checks the mapping: targets must be valid namespace names and no two sources may share one.</summary>
    /// <exception cref="ArgumentException">A mapping entry is invalid.</exception>
    public void Validate()
    {
        foreach (var (from, to) in NamespaceMapping)
        {
            if (!IsNamespaceName(from) || !IsNamespaceName(to))
            {
                throw new ArgumentException($"namespace mapping '{from}={to}' is invalid: both sides must be namespace names (lowercase letters, digits and '-', at most {MaxNamespaceNameLength} characters)");
            }
        }

        var shared = NamespaceMapping.GroupBy(p => p.Value, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (shared is not null)
        {
            throw new ArgumentException($"namespace mapping sends {string.Join(" and ", shared.Select(p => p.Key))} to the same namespace '{shared.Key}'");
        }
    }

    /// <summary>Whether <paramref name="reference"/> is a core Namespace object.</summary>
    public static bool IsNamespaceObject(ObjectRef reference) =>
        reference is { Group.Length: 0, Resource: "namespaces" };

    private static bool Matches(string filter, ObjectRef reference)
    {
        var name = filter.Trim().ToLowerInvariant();
        var qualified = reference.Group.Length == 0 ? reference.Resource : $"{reference.Resource}.{reference.Group}";
        return name == qualified || name == reference.Resource || name == reference.Kind.ToLowerInvariant();
    }

    /// <summary>
    /// Whether <paramref name="name"/> can name a namespace: an RFC 1123 label of at most
    /// <see cref="MaxNamespaceNameLength"/> lowercase letters, digits and '-', starting and ending with a letter or digit.
    /// </summary>
    /// <remarks>The one check for namespace names in restores: the engine's <see cref="Validate"/> and the operator's spec check use it.</remarks>
    public static bool IsNamespaceName(string? name) =>
        name is { Length: > 0 and <= MaxNamespaceNameLength } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-';
}
