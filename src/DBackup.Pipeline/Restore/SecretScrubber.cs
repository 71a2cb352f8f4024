using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Restore;

/// <summary>
/// Removes a Secret's values from a message before it reaches a result, status, event or log. API servers
/// quote offending values in validation errors; a restore must not copy them into places that are not encrypted.
/// </summary>
public static class SecretScrubber
{
    /// <summary>What a removed value reads as.</summary>
    public const string Mask = "[redacted]";

    /// <summary>Shortest value replaced: shorter ones would mangle ordinary words without hiding anything useful.</summary>
    public const int MinLength = 3;

    /// <summary>
    /// Returns <paramref name="message"/> with every value of <paramref name="secret"/>'s <c>data</c> (both the base64
    /// text and what it decodes to) and <c>stringData</c> replaced by <see cref="Mask"/>. Non-Secrets change nothing.
    /// </summary>
    public static string Scrub(string message, JsonObject? secret)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (secret is null || !SecretRedactor.IsSecret(secret))
        {
            return message;
        }

        var values = new List<string>();
        Collect(secret["data"], values, decode: true);
        Collect(secret["stringData"], values, decode: false);
        foreach (var value in values.Where(v => v.Length >= MinLength).Distinct().OrderByDescending(v => v.Length))
        {
            message = message.Replace(value, Mask, StringComparison.Ordinal);
        }

        return message;
    }

    private static void Collect(JsonNode? field, List<string> into, bool decode)
    {
        if (field is not JsonObject values)
        {
            return;
        }

        foreach (var (_, node) in values)
        {
            if (node?.GetValueKind() != JsonValueKind.String)
            {
                continue;
            }

            var text = (string)node!;
            into.Add(text);
            if (decode && TryDecode(text) is { } plain)
            {
                into.Add(plain);
                into.Add(JsonSerializer.Serialize(plain)[1..^1]);
            }
        }
    }

    private static string? TryDecode(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var n) ? Encoding.UTF8.GetString(buffer, 0, n) : null;
    }
}
