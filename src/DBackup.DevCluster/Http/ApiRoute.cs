namespace DBackup.DevCluster.Http;

/// <summary>
/// A parsed resource URL: /api/v1/... or /apis/{group}/{version}/..., optionally under namespaces/{ns},
/// then {resource}[/{name}[/{subresource}]].
/// </summary>
internal sealed record ApiRoute(string Group, string Version, string? Namespace, string? Resource, string? Name, string? Subresource)
{
    /// <summary>Parses <paramref name="path"/>; null when it is not an API path.</summary>
    public static ApiRoute? Parse(string path)
    {
        var s = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group, version;
        string[] rest;
        if (s.Length >= 2 && s[0] == "api")
        {
            (group, version, rest) = ("", s[1], s[2..]);
        }
        else if (s.Length >= 3 && s[0] == "apis")
        {
            (group, version, rest) = (s[1], s[2], s[3..]);
        }
        else
        {
            return null;
        }
        if (rest.Length == 0) return new ApiRoute(group, version, null, null, null, null);
        // namespaces/{ns}/{resource}... is a namespaced resource; namespaces[/{name}[/{sub}]] is the Namespace itself.
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(group.Length == 0 && rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            return rest.Length > 5 ? null : new ApiRoute(group, version, rest[1], rest[2], rest.ElementAtOrDefault(3), rest.ElementAtOrDefault(4));
        }
        return rest.Length > 3 ? null : new ApiRoute(group, version, null, rest[0], rest.ElementAtOrDefault(1), rest.ElementAtOrDefault(2));
    }
}
