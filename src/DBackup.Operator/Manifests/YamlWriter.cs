using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace DBackup.Operator.Manifests;

/// <summary>
/// Writes JSON objects as block-style YAML that reads back to the same JSON: strings that a YAML
/// reader would take for a number, boolean or null (<c>"8080"</c>, <c>"true"</c>, <c>""</c>) are quoted,
/// multi-line strings use literal blocks.
/// </summary>
internal static partial class YamlWriter
{
    /// <summary>Serializes one object as a YAML document (no <c>---</c> marker).</summary>
    public static string Write(JsonNode node)
    {
        var writer = new StringWriter { NewLine = "\n" };
        Write(node, writer);
        return writer.ToString();
    }

    /// <summary>Serializes several objects as a multi-document YAML stream.</summary>
    public static string WriteAll(IEnumerable<JsonNode> nodes)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var first = true;
        foreach (var node in nodes)
        {
            if (!first)
            {
                writer.Write("---\n");
            }

            Write(node, writer);
            first = false;
        }

        return writer.ToString();
    }

    private static void Write(JsonNode node, TextWriter output)
    {
        var emitter = new Emitter(output, bestIndent: 2, bestWidth: int.MaxValue);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(Plain("null"));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    emitter.Emit(StringScalar(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                emitter.Emit(value.GetValueKind() switch
                {
                    JsonValueKind.String => StringScalar(value.GetValue<string>()),
                    JsonValueKind.True => Plain("true"),
                    JsonValueKind.False => Plain("false"),
                    JsonValueKind.Null => Plain("null"),
                    _ => Plain(value.ToJsonString()),
                });
                break;
        }
    }

    private static Scalar Plain(string text) => new(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, true, false);

    private static Scalar StringScalar(string text)
    {
        // Only double quotes can carry \r, tabs and other control characters, and multi-line text whose
        // line ends a literal block would strip; YAML readers normalize or drop them in every other style.
        if (text.Any(c => char.IsControl(c) && c != '\n'))
        {
            return new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.DoubleQuoted, false, true);
        }

        if (text.Contains('\n', StringComparison.Ordinal))
        {
            return new Scalar(AnchorName.Empty, TagName.Empty, text, HasTrailingOrLeadingSpaceLines(text) ? ScalarStyle.DoubleQuoted : ScalarStyle.Literal, false, true);
        }

        // Plain style only when a reader would resolve the text back to a string; the emitter itself
        // switches to quotes for text that cannot be plain (leading '-', ': ', '#', ...).
        return YamlJson.IsNonStringPlain(text) || AmbiguousForOtherReaders(text)
            ? new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.DoubleQuoted, false, true)
            : new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Any, true, true);
    }

    // Words that some YAML reader (1.2 core, or a merge-aware one) would not take as a plain string.
    // Timestamps stay strings for kubectl, but YAML 1.1 libraries (PyYAML, Ruby) would turn them into dates.
    private static bool AmbiguousForOtherReaders(string text) =>
        text is "<<" or "=" || text.TrimStart('-', '+').ToLowerInvariant() is ".inf" or ".nan"
        || text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) || Timestamp().IsMatch(text);

    private static bool HasTrailingOrLeadingSpaceLines(string text) =>
        text.StartsWith(' ') || text.Split('\n').Any(line => line.EndsWith(' '));

    [GeneratedRegex(@"^\d{4}-\d{1,2}-\d{1,2}([Tt ].*)?$")]
    private static partial Regex Timestamp();
}
