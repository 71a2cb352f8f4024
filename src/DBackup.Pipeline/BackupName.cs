using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DBackup.Pipeline;

/// <summary>
/// Naming of backups in a destination:
/// <c>&lt;policy&gt;/&lt;policy&gt;-&lt;yyyyMMddTHHmmssZ&gt;.tar.gz[.enc]</c> plus the same key with <c>.meta.json</c>.
/// </summary>
public static partial class BackupName
{
    /// <summary>Suffix of the sidecar.</summary>
    public const string MetaSuffix = ".meta.json";

    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The backup name (no folder, no extension) for a policy and time.</summary>
    public static string For(string policy, DateTimeOffset createdAt)
    {
        ValidatePolicy(policy);
        return $"{policy}-{createdAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}";
    }

    /// <summary>The payload key of a backup name.</summary>
    public static string PayloadKey(string policy, string name, bool compressed, bool encrypted) =>
        $"{policy}/{name}.tar{(compressed ? ".gz" : string.Empty)}{(encrypted ? ".enc" : string.Empty)}";

    /// <summary>The meta key that belongs to a payload key.</summary>
    public static string MetaKey(string payloadKey) => payloadKey + MetaSuffix;

    /// <summary>The payload key for a payload key or its meta key (the <see cref="MetaSuffix"/> removed, if present).</summary>
    public static string PayloadKeyOf(string key) =>
        key.EndsWith(MetaSuffix, StringComparison.Ordinal) ? key[..^MetaSuffix.Length] : key;

    /// <summary>
    /// Parses a meta or payload key into policy, name and time. Returns false for keys that are not ours.
    /// </summary>
    public static bool TryParseKey(string key, [NotNullWhen(true)] out string? policy, [NotNullWhen(true)] out string? name, out DateTimeOffset createdAt)
    {
        policy = null;
        name = null;
        createdAt = default;
        var match = KeyPattern().Match(key);
        if (!match.Success || match.Groups["policy"].Value != match.Groups["policy2"].Value)
        {
            return false;
        }

        if (!DateTime.TryParseExact(match.Groups["time"].Value, TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        policy = match.Groups["policy"].Value;
        name = $"{policy}-{match.Groups["time"].Value}{match.Groups["seq"].Value}";
        createdAt = new DateTimeOffset(time, TimeSpan.Zero);
        return true;
    }

    /// <summary>Checks that a policy name is a DNS-1123 label usable as a folder.</summary>
    /// <exception cref="ArgumentException">The name is empty, too long or has characters outside [a-z0-9-].</exception>
    public static void ValidatePolicy(string policy)
    {
        if (!PolicyPattern().IsMatch(policy))
        {
            throw new ArgumentException($"'{policy}' is not a valid backup/policy name: use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit.", nameof(policy));
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex PolicyPattern();

    [GeneratedRegex(@"^(?<policy>[a-z0-9][-a-z0-9]*)/(?<policy2>[a-z0-9][-a-z0-9]*)-(?<time>\d{8}T\d{6}Z)(?<seq>-\d+)?\.tar(\.gz)?(\.enc)?(\.meta\.json)?$")]
    private static partial Regex KeyPattern();
}
