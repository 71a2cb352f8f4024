using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// String formats checked by the apiserver's strfmt registry. Unknown formats, and numeric ones
/// such as <c>int32</c>/<c>int64</c>/<c>double</c>, are accepted without checks, like the real server.
/// </summary>
internal static partial class SchemaFormats
{
    public static bool IsValid(string format, string value) => format switch
    {
        // strfmt.ParseDateTime accepts RFC 3339 plus ISO 8601 local and reduced-precision forms.
        "date-time" => IsDateTime(value),
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "byte" => IsBase64(value),
        "uuid" => UuidRegex().IsMatch(value),
        "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6,
        "cidr" => IPNetwork.TryParse(value, out _),
        "hostname" => value.Length <= 255 && HostnameRegex().IsMatch(value),
        "duration" => DurationRegex().IsMatch(value),
        _ => true,
    };

    private static bool IsDateTime(string value)
    {
        var m = DateTimeRegex().Match(value);
        return m.Success
            && DateOnly.TryParseExact(m.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture) < 24
            && int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) < 60
            && (!m.Groups["s"].Success || int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) < 61);
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<h>\d{2}):(?<m>\d{2})(:(?<s>\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$")]
    private static partial Regex DateTimeRegex();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidRegex();

    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?)*\.?$")]
    private static partial Regex HostnameRegex();

    [GeneratedRegex(@"^(\s*[-+]?\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$")]
    private static partial Regex DurationRegex();
}
