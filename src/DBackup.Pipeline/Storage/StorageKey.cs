namespace DBackup.Pipeline.Storage;

/// <summary>Rules every destination applies to object keys, so that a key can never escape its root.</summary>
internal static class StorageKey
{
    /// <summary>Throws when <paramref name="key"/> is not a safe relative '/'-separated path.</summary>
    /// <exception cref="ArgumentException">The key is empty, absolute, has empty, '.' or '..' segments, backslashes or control characters.</exception>
    public static void Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var problem = Problem(key);
        if (problem is not null)
        {
            throw new ArgumentException($"'{key}' is not a valid backup object key: {problem}.", nameof(key));
        }
    }

    /// <summary>True when <paramref name="key"/> passes <see cref="Validate"/>.</summary>
    public static bool IsValid(string key) => Problem(key) is null;

    /// <summary>Joins a normalized prefix (no leading/trailing '/') and a key.</summary>
    public static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "/" + key;

    /// <summary>Trims '/' from both ends of a prefix and checks its segments.</summary>
    /// <exception cref="ArgumentException">The prefix has unsafe segments.</exception>
    public static string NormalizePrefix(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).Trim('/');
        if (trimmed.Length > 0)
        {
            var problem = Problem(trimmed);
            if (problem is not null)
            {
                throw new ArgumentException($"'{prefix}' is not a valid prefix: {problem}.", nameof(prefix));
            }
        }

        return trimmed;
    }

    private static string? Problem(string key)
    {
        if (key.Length == 0)
        {
            return "it is empty";
        }

        if (key.Length > 1024)
        {
            return "it is longer than 1024 characters";
        }

        if (key.Contains('\\', StringComparison.Ordinal))
        {
            return "backslashes are not allowed";
        }

        if (key[0] == '/' || (key.Length > 1 && key[1] == ':'))
        {
            return "it must be relative";
        }

        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                return "control characters are not allowed";
            }
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "empty path segments are not allowed";
            }

            if (segment is "." or "..")
            {
                return "'.' and '..' segments are not allowed";
            }
        }

        return null;
    }
}
