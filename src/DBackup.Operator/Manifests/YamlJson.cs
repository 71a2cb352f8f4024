using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DBackup.Operator.Manifests;

/// <summary>
/// Converts YAML nodes to JSON the way an API server would see them: quoted scalars are strings,
/// plain scalars follow the YAML 1.2 core schema (null, true/false, integers, floats, else string).
/// </summary>
/// <remarks>
/// YAML 1.1 words such as <c>yes</c>/<c>on</c> stay strings, which is what most manifests mean by them.
/// Aliases are expanded; the node budget stops "billion laughs" documents.
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
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (JsonNumber().IsMatch(text))
        {
            return JsonNode.Parse(text);
        }

        if (DecimalInteger().IsMatch(text)
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex >= 0)
        {
            return JsonValue.Create(hex);
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(c => c is >= '0' and <= '7'))
        {
            try
            {
                return JsonValue.Create(System.Convert.ToInt64(text[2..], 8));
            }
            catch (OverflowException)
            {
                return JsonValue.Create(text);
            }
        }

        if (YamlFloat().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloat();
}
