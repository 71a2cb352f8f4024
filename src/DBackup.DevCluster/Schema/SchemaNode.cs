using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// One parsed node of an openAPIV3Schema. The structural part (type, properties, items,
/// additionalProperties, x-kubernetes-*) drives pruning and defaulting; the value validations
/// (enum, pattern, bounds, allOf/anyOf/oneOf/not) only drive validation, as in apiextensions.
/// </summary>
internal sealed partial class SchemaNode
{
    public string? Type { get; private init; }
    public bool Nullable { get; private init; }
    public string? Format { get; private init; }
    public Dictionary<string, SchemaNode> Properties { get; } = new(StringComparer.Ordinal);
    public SchemaNode? AdditionalProperties { get; private set; }
    public bool AdditionalPropertiesAllowed { get; private set; }
    public SchemaNode? Items { get; private set; }
    public List<string> Required { get; } = [];
    public List<JsonNode?>? Enum { get; private set; }
    public Regex? Pattern { get; private set; }
    public string? PatternText { get; private set; }
    public double? Minimum { get; private init; }
    public double? Maximum { get; private init; }
    public bool ExclusiveMinimum { get; private init; }
    public bool ExclusiveMaximum { get; private init; }
    public double? MultipleOf { get; private init; }
    public long? MinLength { get; private init; }
    public long? MaxLength { get; private init; }
    public long? MinItems { get; private init; }
    public long? MaxItems { get; private init; }
    public bool UniqueItems { get; private init; }
    public long? MinProperties { get; private init; }
    public long? MaxProperties { get; private init; }
    public JsonNode? Default { get; private init; }
    public bool PreserveUnknownFields { get; private init; }
    public bool IntOrString { get; private init; }
    public bool EmbeddedResource { get; private init; }
    public string? ListType { get; private init; }
    public List<string> ListMapKeys { get; } = [];
    public List<SchemaNode> AllOf { get; } = [];
    public List<SchemaNode> AnyOf { get; } = [];
    public List<SchemaNode> OneOf { get; } = [];
    public SchemaNode? Not { get; private set; }

    /// <summary>True when unknown fields of an object at this node survive pruning.</summary>
    public bool KeepsUnknownFields => PreserveUnknownFields || (AdditionalPropertiesAllowed && AdditionalProperties is null);

    public static SchemaNode Parse(JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            return new SchemaNode();
        }

        var s = new SchemaNode
        {
            Type = Str(o, "type"),
            Nullable = Bool(o, "nullable"),
            Format = Str(o, "format"),
            Minimum = Num(o, "minimum"),
            Maximum = Num(o, "maximum"),
            ExclusiveMinimum = Bool(o, "exclusiveMinimum"),
            ExclusiveMaximum = Bool(o, "exclusiveMaximum"),
            MultipleOf = Num(o, "multipleOf"),
            MinLength = Int(o, "minLength"),
            MaxLength = Int(o, "maxLength"),
            MinItems = Int(o, "minItems"),
            MaxItems = Int(o, "maxItems"),
            UniqueItems = Bool(o, "uniqueItems"),
            MinProperties = Int(o, "minProperties"),
            MaxProperties = Int(o, "maxProperties"),
            Default = o["default"]?.DeepClone(),
            PreserveUnknownFields = Bool(o, "x-kubernetes-preserve-unknown-fields"),
            IntOrString = Bool(o, "x-kubernetes-int-or-string"),
            EmbeddedResource = Bool(o, "x-kubernetes-embedded-resource"),
            ListType = Str(o, "x-kubernetes-list-type"),
        };

        if (o["properties"] is JsonObject props)
        {
            foreach (var (name, child) in props)
            {
                s.Properties[name] = Parse(child);
            }
        }

        switch (o["additionalProperties"])
        {
            case JsonObject ap:
                s.AdditionalProperties = Parse(ap);
                s.AdditionalPropertiesAllowed = true;
                break;
            case JsonValue apv when apv.GetValueKind() == JsonValueKind.True:
                s.AdditionalPropertiesAllowed = true;
                break;
        }

        s.Items = o["items"] switch
        {
            JsonObject io => Parse(io),
            JsonArray { Count: > 0 } ia => Parse(ia[0]),
            _ => null,
        };

        AddStrings(o["required"], s.Required);
        AddStrings(o["x-kubernetes-list-map-keys"], s.ListMapKeys);
        if (o["enum"] is JsonArray en)
        {
            s.Enum = en.Select(e => e?.DeepClone()).ToList();
        }

        if (Str(o, "pattern") is { } pattern)
        {
            s.PatternText = pattern;
            s.Pattern = CompilePattern(pattern);
        }

        AddSchemas(o["allOf"], s.AllOf);
        AddSchemas(o["anyOf"], s.AnyOf);
        AddSchemas(o["oneOf"], s.OneOf);
        if (o["not"] is JsonObject not)
        {
            s.Not = Parse(not);
        }

        return s;
    }

    /// <summary>
    /// Compiles an RE2 pattern with .NET: the syntax CRDs use is shared, RE2's <c>(?P&lt;name&gt;</c>
    /// groups and <c>\pL</c> classes are translated, and a pattern .NET still cannot read is not
    /// enforced rather than breaking the whole CRD. A timeout guards against backtracking.
    /// </summary>
    private static Regex? CompilePattern(string pattern)
    {
        var translated = Re2Translation().Replace(pattern.Replace("(?P<", "(?<", StringComparison.Ordinal), @"\p{$1}");
        try
        {
            return new Regex(translated, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(?<!\\)\\p([A-Z])")]
    private static partial Regex Re2Translation();

    private static void AddStrings(JsonNode? node, List<string> into)
    {
        if (node is JsonArray a)
        {
            into.AddRange(a.Select(x => x?.GetValueKind() == JsonValueKind.String ? x.GetValue<string>() : null)
                .OfType<string>());
        }
    }

    private static void AddSchemas(JsonNode? node, List<SchemaNode> into)
    {
        if (node is JsonArray a)
        {
            into.AddRange(a.Select(Parse));
        }
    }

    private static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool Bool(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static double? Num(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    private static long? Int(JsonObject o, string name) => Num(o, name) is { } d ? (long)d : null;
}
