using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DBackup.Operator.Manifests;

/// <summary>
/// Converts YAML nodes to JSON the way kubectl reads them (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 rules):
/// quoted scalars are strings; plain <c>yes</c>/<c>no</c>/<c>on</c>/<c>off</c> are booleans, <c>0644</c> is octal
/// (420, as in <c>defaultMode</c>), <c>1_000</c> is 1000; timestamps stay strings.
/// </summary>
/// <remarks>
/// Integers beyond 64 bits keep their exact digits rather than becoming floats.
/// Aliases and merge keys are expanded; the node budget stops "billion laughs" documents.
/// </remarks>
internal static partial class YamlJson
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    /// <summary>Largest number of JSON nodes one document may expand to.</summary>
    internal const int MaxNodes = 1_000_000;

    internal static JsonNode? ToJson(YamlNode node)
    {
        var budget = MaxNodes;
        return Convert(node, ref budget, depth: 0);
    }

    /// <summary>Whether a plain scalar with this text would be read as something other than a string.</summary>
    internal static bool IsNonStringPlain(string text) => ResolvePlain(text) is not JsonValue v
        || v.GetValueKind() != System.Text.Json.JsonValueKind.String;

    private static JsonNode? Convert(YamlNode node, ref int budget, int depth)
    {
        if (--budget < 0)
        {
            throw new YamlException(node.Start, node.End, $"the document expands to more than {MaxNodes} nodes");
        }

        if (depth > 256)
        {
            throw new YamlException(node.Start, node.End, "the document is nested too deeply");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                var merges = new List<YamlNode>();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name } scalarKey)
                    {
                        throw new YamlException(key.Start, key.End, "mapping keys must be plain strings");
                    }

                    if (name == "<<" && scalarKey.Style is ScalarStyle.Plain or ScalarStyle.Any)
                    {
                        merges.Add(value);
                        continue;
                    }

                    if (obj.ContainsKey(name))
                    {
                        throw new YamlException(key.Start, key.End, $"duplicate key '{name}'");
                    }

                    obj[name] = Convert(value, ref budget, depth + 1);
                }

                foreach (var merge in merges)
                {
                    Merge(obj, merge, ref budget, depth);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, ref budget, depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            default:
                throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}");
        }
    }

    // YAML merge keys (<<: *base or <<: [*a, *b]), as kubectl reads them: explicit keys win, then earlier sources.
    private static void Merge(JsonObject target, YamlNode source, ref int budget, int depth)
    {
        var sources = source is YamlSequenceNode list ? list.Children : [source];
        foreach (var item in sources)
        {
            if (Convert(item, ref budget, depth + 1) is not JsonObject merged)
            {
                throw new YamlException(item.Start, item.End, "a merge key (<<) must refer to a mapping");
            }

            foreach (var (key, value) in merged.ToList())
            {
                if (!target.ContainsKey(key))
                {
                    merged.Remove(key);
                    target[key] = value;
                }
            }
        }
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is not null && tag.StartsWith(TagPrefix, StringComparison.Ordinal))
        {
            var resolved = tag[TagPrefix.Length..] switch
            {
                "str" => JsonValue.Create(text),
                "null" => null,
                _ => ResolvePlain(text),
            };
            return resolved;
        }

        return scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && tag is null or "?"
            ? ResolvePlain(text)
            : JsonValue.Create(text);
    }

    private static JsonNode? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "y" or "Y" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "n" or "N" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }

        if (JsonNumber().IsMatch(text) && !LeadingZero().IsMatch(text))
        {
            return JsonNode.Parse(text);
        }

        // Like Go's strconv.ParseInt(s, 0, 64) on the text without '_', which is what kubectl's YAML reader does.
        var plain = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = plain.StartsWith('-');
        var digits = plain.TrimStart('-', '+');
        if (plain.Length > 0 && plain.IndexOfAny(['-', '+'], 1) < 0 && ParseInteger(digits) is { } value)
        {
            return JsonValue.Create(negative ? -value : value);
        }

        if (YamlFloat().IsMatch(plain)
            && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    private static long? ParseInteger(string digits)
    {
        try
        {
            return digits switch
            {
                ['0', 'x' or 'X', .. var hex] when hex.Length > 0 && hex.All(char.IsAsciiHexDigit) => System.Convert.ToInt64(hex, 16),
                ['0', 'o' or 'O', .. var oct] when oct.Length > 0 && oct.All(c => c is >= '0' and <= '7') => System.Convert.ToInt64(oct, 8),
                ['0', 'b' or 'B', .. var bin] when bin.Length > 0 && bin.All(c => c is '0' or '1') => System.Convert.ToInt64(bin, 2),
                ['0', .. var oct] when oct.Length > 0 && oct.All(c => c is >= '0' and <= '7') => System.Convert.ToInt64(oct, 8),
                _ when digits.Length > 0 && digits.All(char.IsAsciiDigit) && (digits.Length == 1 || digits[0] != '0') =>
                    long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is OverflowException or FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^-?0[0-9]")]
    private static partial Regex LeadingZero();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloat();
}
