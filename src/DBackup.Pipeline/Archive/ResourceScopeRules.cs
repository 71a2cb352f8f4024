using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Where the truth about a resource's kind and scope comes from when a backup is read, strongest first: the
/// built-in table (<see cref="ResourceNames.KnownResource"/>, what a kube-apiserver serves), a
/// CustomResourceDefinition in the same backup (checked by <see cref="ResourceScopeTracker"/>), then the
/// manifest's own declarations and paths, which must at least agree with each other. A backup that contradicts
/// any of them is refused: a ClusterRoleBinding filed under a namespace folder would otherwise be exported into
/// that namespace's tree and applied from there.
/// </summary>
internal static class ResourceScopeRules
{
    /// <summary>Why an object of <paramref name="kind"/> stored as (group, resource, scope) contradicts the built-in table, or null.</summary>
    public static string? AgainstBuiltIns(string group, string resource, string? kind, ResourceScope scope)
    {
        if (ResourceNames.KnownResource(group, resource) is { } known)
        {
            if (known.Scope != scope)
            {
                return $"{Qualified(group, resource)} is {ManifestDigest.Describe(known.Scope)}";
            }

            if (kind is not null && kind != known.Kind)
            {
                return $"{Qualified(group, resource)} holds {known.Kind} objects, not {kind}";
            }
        }

        return kind is not null && ResourceNames.KnownKind(group, kind) is { } byKind && byKind.Resource != resource
            ? $"{kind} objects belong to {Qualified(group, byKind.Resource)}, not {Qualified(group, resource)}"
            : null;
    }

    /// <summary>
    /// Checks the manifest's resources against the scope their entry paths give (<paramref name="computed"/>, the
    /// summary rebuilt from the entries), its own declarations and the built-in table; returns what is known about
    /// each resource key for checking the entries.
    /// </summary>
    /// <exception cref="InvalidBackupException">Something contradicts something else.</exception>
    public static Dictionary<string, ResourceFacts> CheckManifest(
        BackupManifest manifest, SortedDictionary<string, ManifestComponent> computed, IReadOnlyDictionary<string, string> firstPaths)
    {
        var facts = new Dictionary<string, ResourceFacts>(StringComparer.Ordinal);
        foreach (var (componentName, component) in computed)
        {
            foreach (var (key, resource) in component.Resources)
            {
                var declared = manifest.Components[componentName].Resources[key];
                var scope = resource.Scope!.Value;
                var path = ArchivePaths.Printable(firstPaths[key]);
                if (declared.Scope is { } declaredScope && declaredScope != scope)
                {
                    throw new InvalidBackupException(
                        $"manifest.json declares {key} {ManifestDigest.Describe(declaredScope)}, but lists '{path}' {Where(scope)}");
                }

                var (group, plural) = Split(key);
                if (AgainstBuiltIns(group, plural, declared.Kind, scope) is { } problem)
                {
                    throw new InvalidBackupException($"manifest.json lists '{path}' {Where(scope)}, but {problem}");
                }

                var kind = declared.Kind ?? ResourceNames.KnownResource(group, plural)?.Kind;
                if (facts.TryGetValue(key, out var earlier))
                {
                    if (kind is not null && earlier.Kind is not null && kind != earlier.Kind)
                    {
                        throw new InvalidBackupException($"manifest.json declares {key} as both {earlier.Kind} and {kind}");
                    }

                    kind ??= earlier.Kind;
                }

                facts[key] = new ResourceFacts(group, plural, scope, kind);
            }
        }

        return facts;
    }

    /// <summary>The group (empty for core) and plural of a resource key <c>group-or-core/resource</c>.</summary>
    public static (string Group, string Resource) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var group = key[..slash];
        return (group == ObjectRef.CoreGroupFolder ? string.Empty : group, key[(slash + 1)..]);
    }

    /// <summary><c>resource.group</c>, or the bare resource for the core group (kubectl's spelling).</summary>
    public static string Qualified(string group, string resource) => group.Length == 0 ? resource : $"{resource}.{group}";

    private static string Where(ResourceScope scope) => scope == ResourceScope.Cluster ? "as cluster-scoped (_cluster)" : "under a namespace folder";
}
