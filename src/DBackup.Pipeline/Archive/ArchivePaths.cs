namespace DBackup.Pipeline.Archive;

/// <summary>Builds and checks tar entry paths: <c>component/group/resource/namespace/name.json</c>.</summary>
internal static class ArchivePaths
{
    public const int SegmentCount = 5;
    private const int MaxSegmentLength = 253;

    /// <summary>The path of an object about to be written; throws if any part could escape or confuse a reader.</summary>
    /// <exception cref="ArgumentException">A part is empty, too long, or holds '/', '\', '..' or control characters.</exception>
    public static string ForWriting(ObjectRef r)
    {
        CheckForWriting(r.Component, "component", r);
        if (r.Group.Length > 0)
        {
            CheckForWriting(r.Group, "group", r);
            if (r.Group == ObjectRef.CoreGroupFolder)
            {
                throw new ArgumentException($"Object {r} has group '{r.Group}', which the archive reserves for the core group.", nameof(r));
            }
        }

        CheckForWriting(r.Version, "version", r);
        CheckForWriting(r.Resource, "resource", r);
        CheckForWriting(r.Kind, "kind", r);
        if (r.Namespace is not null)
        {
            CheckForWriting(r.Namespace, "namespace", r);
            if (r.Namespace == ObjectRef.ClusterScopeFolder)
            {
                throw new ArgumentException($"Object {r} has namespace '{r.Namespace}', which the archive reserves for cluster-scoped objects.", nameof(r));
            }

            if (!IsNamespaceName(r.Namespace))
            {
                throw new ArgumentException($"Object {r} has namespace '{r.Namespace}', which is not a valid namespace name; it cannot be stored in a backup.", nameof(r));
            }
        }

        CheckForWriting(r.Name, "name", r);
        return r.ArchivePath;
    }

    /// <summary>Splits and checks a path read from a tar.</summary>
    /// <exception cref="InvalidBackupException">The path is absolute, has '..', '\', empty parts or the wrong shape.</exception>
    public static string[] Parse(string path)
    {
        if (path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || (path.Length >= 2 && path[1] == ':' && char.IsAsciiLetter(path[0])))
        {
            throw new InvalidBackupException($"archive entry '{Printable(path)}' has an absolute or non-portable path");
        }

        var parts = path.Split('/');
        foreach (var part in parts)
        {
            if (Problem(part) is { } problem)
            {
                throw new InvalidBackupException($"archive entry '{Printable(path)}' has an unsafe path ({problem})");
            }
        }

        if (parts.Length != SegmentCount || !path.EndsWith(".json", StringComparison.Ordinal) || parts[4].Length == ".json".Length)
        {
            throw new InvalidBackupException(
                $"archive entry '{Printable(path)}' is not of the form component/group/resource/namespace/name.json");
        }

        if (parts[3] != ObjectRef.ClusterScopeFolder && !IsNamespaceName(parts[3]))
        {
            throw new InvalidBackupException($"archive entry '{Printable(path)}' has a namespace folder that is not a valid namespace name");
        }

        return parts;
    }

    /// <summary>The path with control characters escaped, safe for a one-line message.</summary>
    public static string Printable(string path)
    {
        var text = path.Length > 200 ? path[..200] + "..." : path;
        return string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
    }

    // A namespace name is an RFC 1123 label: 1-63 of [a-z0-9-], starting and ending alphanumeric.
    public static bool IsNamespaceName(string part) =>
        part.Length is > 0 and <= 63 && part[0] != '-' && part[^1] != '-'
        && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static void CheckForWriting(string value, string what, ObjectRef r)
    {
        if (Problem(value) is { } problem)
        {
            throw new ArgumentException($"Object {r} has an invalid {what} ({problem}); it cannot be stored in a backup.", nameof(r));
        }
    }

    private static string? Problem(string part)
    {
        if (part.Length == 0)
        {
            return "empty part";
        }

        if (part.Length > MaxSegmentLength)
        {
            return "part longer than 253 characters";
        }

        if (part is "." or ".." || part.Contains("..", StringComparison.Ordinal))
        {
            return "'..'";
        }

        foreach (var c in part)
        {
            if (c is '/' or '\\' || char.IsControl(c))
            {
                return c is '/' or '\\' ? $"'{c}'" : "control character";
            }
        }

        return null;
    }
}
