using System.Text.Json;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Reads the server's discovery documents (<c>/api</c>, <c>/apis</c> and each group's preferred
/// version) and resolves the resource names a policy uses: <c>configmaps</c>, <c>deployments.apps</c>,
/// <c>widgets.example.com</c>. Subresources (<c>pods/log</c>) are left out.
/// </summary>
public sealed class Discovery(KubeApi api)
{
    /// <summary>All listable resources, core first, then groups in server order.</summary>
    public async Task<IReadOnlyList<ApiResource>> GetResourcesAsync(CancellationToken cancellationToken)
    {
        var result = new List<ApiResource>();
        using (var core = await api.GetAsync("/api", cancellationToken).ConfigureAwait(false))
        {
            foreach (var version in core.RootElement.GetProperty("versions").EnumerateArray())
            {
                await AddGroupVersionAsync(result, string.Empty, version.GetString()!, cancellationToken).ConfigureAwait(false);
            }
        }

        using var groups = await api.GetAsync("/apis", cancellationToken).ConfigureAwait(false);
        foreach (var group in groups.RootElement.GetProperty("groups").EnumerateArray())
        {
            var name = group.GetProperty("name").GetString()!;
            var preferred = group.TryGetProperty("preferredVersion", out var p)
                ? p.GetProperty("version").GetString()!
                : group.GetProperty("versions")[0].GetProperty("version").GetString()!;
            await AddGroupVersionAsync(result, name, preferred, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Resolves policy resource names against discovery. A plain name matches the core group first,
    /// then any group with exactly one such resource; <c>plural.group</c> matches exactly.
    /// </summary>
    /// <exception cref="ArgumentException">A name matches nothing, or a plain name is ambiguous.</exception>
    public static IReadOnlyList<ApiResource> Resolve(IReadOnlyList<ApiResource> served, IEnumerable<string> names)
    {
        var resolved = new List<ApiResource>();
        foreach (var raw in names)
        {
            var name = raw.Trim().ToLowerInvariant();
            var match = served.Where(r => r.QualifiedName == name).ToList();
            if (match.Count == 0)
            {
                match = served.Where(r => r.Resource == name || r.Kind.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
                var core = match.Where(r => r.Group.Length == 0).ToList();
                match = core.Count > 0 ? core : match;
            }

            if (match.Count == 0)
            {
                throw new ArgumentException($"resource '{raw}' is not served by this cluster (write a plural name such as 'configmaps', or 'plural.group' such as 'widgets.example.com')");
            }

            if (match.Count > 1)
            {
                throw new ArgumentException($"resource '{raw}' is ambiguous: {string.Join(", ", match.Select(m => m.QualifiedName))}; write 'plural.group'");
            }

            if (!resolved.Contains(match[0]))
            {
                resolved.Add(match[0]);
            }
        }

        return resolved;
    }

    private async Task AddGroupVersionAsync(List<ApiResource> into, string group, string version, CancellationToken cancellationToken)
    {
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        using var doc = await api.GetAsync(path, cancellationToken).ConfigureAwait(false);
        foreach (var r in doc.RootElement.GetProperty("resources").EnumerateArray())
        {
            var name = r.GetProperty("name").GetString()!;
            var verbs = r.TryGetProperty("verbs", out var v) ? v.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            if (name.Contains('/', StringComparison.Ordinal) || !verbs.Contains("list"))
            {
                continue;
            }

            into.Add(new ApiResource(group, version, name, r.GetProperty("kind").GetString()!, r.GetProperty("namespaced").GetBoolean(), verbs));
        }
    }
}
