using System.Globalization;
using System.Text.RegularExpressions;

namespace DBackup.Operator.Backups;

/// <summary>
/// Durations as written in <c>retention.maxAge</c>: Go's <c>time.ParseDuration</c> units that make sense for
/// retention (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>) plus <c>d</c> for days, e.g. <c>720h</c>, <c>30d</c>, <c>1d12h</c>.
/// </summary>
public static partial class RetentionDuration
{
    /// <summary>Parses a duration.</summary>
    /// <exception cref="FormatException">The text is not a sequence of number+unit pairs, or is zero.</exception>
    public static TimeSpan Parse(string text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (!Whole().IsMatch(trimmed))
        {
            throw new FormatException($"'{trimmed}' is not a duration: use a number and a unit (ms, s, m, h, d), e.g. 720h or 30d");
        }

        var total = TimeSpan.Zero;
        foreach (Match part in Part().Matches(trimmed))
        {
            if (!long.TryParse(part.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1_000_000_000)
            {
                throw new FormatException($"'{trimmed}' is too long a duration");
            }

            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }

        if (total <= TimeSpan.Zero)
        {
            throw new FormatException($"'{trimmed}' must be longer than zero");
        }

        return total;
    }

    [GeneratedRegex("^([0-9]+(ms|s|m|h|d))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    [GeneratedRegex("([0-9]+)(ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
