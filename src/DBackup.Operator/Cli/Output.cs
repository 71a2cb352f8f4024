using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DBackup.Pipeline;

namespace DBackup.Operator.Cli;

/// <summary>Formatting helpers for human-readable command output.</summary>
internal static class Output
{
    /// <summary>The <c>--output/-o text|json</c> option of the commands that can print JSON (text by default).</summary>
    public static Option<string> Format(string description = "Output format")
    {
        var option = new Option<string>("--output", "-o") { Description = description, DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    /// <summary>JSON options for <c>-o json</c>: those of meta.json, without escaping '+' and other harmless characters.</summary>
    public static JsonSerializerOptions Json { get; } = new(BackupMeta.JsonOptions) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Bytes as <c>512 B</c>, <c>1.5 KiB</c>, <c>12.0 MiB</c> ...</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    /// <summary>A UTC time as <c>2026-01-01T03:00:00Z</c>.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes rows as left-aligned columns separated by three spaces, like kubectl.</summary>
    public static void Table(TextWriter writer, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = new int[header.Count];
        foreach (var row in all)
        {
            for (var i = 0; i < header.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < header.Count; i++)
            {
                line.Append(i == header.Count - 1 ? row[i] : row[i].PadRight(widths[i] + 3));
            }

            writer.WriteLine(line.ToString().TrimEnd());
        }
    }
}
