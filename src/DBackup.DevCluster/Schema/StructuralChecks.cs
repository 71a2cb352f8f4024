using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// The structural-schema rules apiextensions enforces when a v1 CRD is created or updated
/// (schema.ValidateStructural, invariants part), with the apiserver's paths and wording, e.g.
/// <c>...openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields</c>.
/// </summary>
/// <remarks>
/// Checked: types present (root, fields, array items), <c>items</c> for arrays, object at the root,
/// no <c>additionalProperties</c> at the root or with <c>properties</c>, embedded-resource rules,
/// root <c>metadata</c> limited to name/generateName, int-or-string exclusivity, valid patterns,
/// no structural keywords inside allOf/anyOf/oneOf/not, and defaults that validate and are pruned.
/// Not checked: completeness of value validations, CEL rules, metadata inside defaults.
/// </remarks>
internal static class StructuralChecks
{
    private enum Level
    {
        Root,
        Item,
        Field,
    }

    private static readonly string[] NotInComposition =
    [
        "type", "additionalProperties", "default", "title", "description", "nullable",
        "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
        "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations",
    ];

    private static readonly JsonNode IntOrStringAnyOf = JsonNode.Parse("""[{"type":"integer"},{"type":"string"}]""")!;

    public static IReadOnlyList<FieldError> Validate(JsonNode schema, string path)
    {
        var errors = new List<FieldError>();
        Invariants(schema as JsonObject ?? [], Level.Root, path, errors);
        errors.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        return errors;
    }

    private static void Invariants(JsonObject s, Level level, string path, List<FieldError> errors)
    {
        var type = Text(s, "type") ?? "";
        var embedded = Flag(s, "x-kubernetes-embedded-resource");
        var preserve = Flag(s, "x-kubernetes-preserve-unknown-fields");
        var intOrString = Flag(s, "x-kubernetes-int-or-string");
        var properties = s["properties"] as JsonObject;

        if (type == "array" && s["items"] is null)
        {
            errors.Add(Required(path + ".items", "must be specified"));
        }

        if (s["items"] is JsonObject items)
        {
            Invariants(items, Level.Item, path + ".items", errors);
        }

        foreach (var (name, child) in properties ?? [])
        {
            Invariants(child as JsonObject ?? [], Level.Field, $"{path}.properties[{name}]", errors);
        }

        if (s["additionalProperties"] is { } additional)
        {
            if (level == Level.Root)
            {
                errors.Add(Forbidden(path + ".additionalProperties", "must not be used at the root"));
            }

            if (properties is { Count: > 0 })
            {
                errors.Add(Forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
            }

            if (embedded)
            {
                errors.Add(Forbidden(path + ".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set"));
            }

            if (additional is JsonObject additionalSchema)
            {
                Invariants(additionalSchema, Level.Field, path + ".additionalProperties", errors);
            }
        }

        if (intOrString && preserve)
        {
            errors.Add(FieldError.Invalid(path + ".x-kubernetes-preserve-unknown-fields", "true", "must be false if x-kubernetes-int-or-string is true"));
        }

        if (intOrString && embedded)
        {
            errors.Add(FieldError.Invalid(path + ".x-kubernetes-embedded-resource", "true", "must be false if x-kubernetes-int-or-string is true"));
        }

        if (Text(s, "pattern") is { } pattern && SchemaNode.Parse(new JsonObject { ["pattern"] = pattern }).Pattern is null)
        {
            errors.Add(FieldError.Invalid(path + ".pattern", FieldError.Quote(pattern), "must be a valid regular expression, but isn't"));
        }

        foreach (var keyword in new[] { "allOf", "anyOf", "oneOf" })
        {
            // anyOf: [{type: integer}, {type: string}] is the blessed int-or-string spelling.
            if (keyword == "anyOf" && JsonNode.DeepEquals(s[keyword], IntOrStringAnyOf))
            {
                continue;
            }

            for (var i = 0; i < ((s[keyword] as JsonArray)?.Count ?? 0); i++)
            {
                Composition(s[keyword]![i] as JsonObject ?? [], $"{path}.{keyword}[{i}]", errors);
            }
        }

        if (s["not"] is JsonObject not)
        {
            Composition(not, path + ".not", errors);
        }

        if (level != Level.Root && s.TryGetPropertyValue("default", out var defaultValue))
        {
            Default(s, defaultValue, path + ".default", errors);
        }

        TypeRules(type, level, path, embedded, preserve, intOrString, errors);
        MetaRules(properties, level == Level.Root || embedded, level, path, errors);
        if (embedded && !preserve && properties is not { Count: > 0 })
        {
            errors.Add(Required(path + ".properties", "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    private static void TypeRules(string type, Level level, string path, bool embedded, bool preserve, bool intOrString, List<FieldError> errors)
    {
        if (embedded && type != "object")
        {
            errors.Add(type.Length == 0
                ? Required(path + ".type", "must be object if x-kubernetes-embedded-resource is true")
                : FieldError.Invalid(path + ".type", FieldError.Quote(type), "must be object if x-kubernetes-embedded-resource is true"));
        }
        else if (type.Length == 0 && !intOrString && !preserve)
        {
            errors.Add(Required(path + ".type", level switch
            {
                Level.Root => "must not be empty at the root",
                Level.Item => "must not be empty for specified array items",
                _ => "must not be empty for specified object fields",
            }));
        }

        if (level == Level.Root && type.Length > 0 && type != "object")
        {
            errors.Add(FieldError.Invalid(path + ".type", FieldError.Quote(type), "must be object at the root"));
        }
    }

    private static void MetaRules(JsonObject? properties, bool checkMetadata, Level level, string path, List<FieldError> errors)
    {
        foreach (var meta in new[] { "kind", "apiVersion" })
        {
            if (checkMetadata && properties?[meta] is JsonObject m && Text(m, "type") != "string")
            {
                errors.Add(FieldError.Invalid($"{path}.properties[{meta}].type", FieldError.Quote(Text(m, "type") ?? ""), "must be string"));
            }
        }

        if (properties?["metadata"] is not JsonObject metadata)
        {
            return;
        }

        var metaPath = $"{path}.properties[metadata]";
        if (checkMetadata && Text(metadata, "type") != "object")
        {
            errors.Add(FieldError.Invalid(metaPath + ".type", FieldError.Quote(Text(metadata, "type") ?? ""), "must be object"));
        }

        if (level == Level.Root)
        {
            var extra = metadata.Where(kv => kv.Key is not ("type" or "default" or "description" or "properties")).Any()
                || (metadata["properties"] as JsonObject)?.Any(kv => kv.Key is not ("name" or "generateName")) == true;
            if (extra)
            {
                errors.Add(Forbidden(metaPath, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
            }
        }
    }

    // defaulting.ValidateDefaults: a default must be valid against its own schema and already pruned.
    private static void Default(JsonObject s, JsonNode? value, string path, List<FieldError> errors)
    {
        var node = SchemaNode.Parse(s);
        var pruned = value?.DeepClone();
        StructuralSchema.Prune(pruned, node, "", null, isRoot: false);
        if (!JsonNode.DeepEquals(pruned, value))
        {
            errors.Add(FieldError.Invalid(path, value, "must not have unknown fields"));
        }

        new SchemaValidator(errors).Validate(value, node, path);
    }

    private static void Composition(JsonObject s, string path, List<FieldError> errors)
    {
        foreach (var keyword in NotInComposition.Where(s.ContainsKey))
        {
            var detail = keyword switch
            {
                "type" or "title" or "description" or "x-kubernetes-list-map-keys" or "x-kubernetes-validations" => "must be empty to be structural",
                "nullable" or "x-kubernetes-preserve-unknown-fields" or "x-kubernetes-embedded-resource" or "x-kubernetes-int-or-string" => "must be false to be structural",
                _ => "must be undefined to be structural",
            };
            errors.Add(Forbidden($"{path}.{keyword}", detail));
        }

        if (s["properties"] is JsonObject props && props.ContainsKey("metadata"))
        {
            errors.Add(Forbidden($"{path}.properties[metadata]", "must not be specified in a nested context"));
        }
    }

    private static FieldError Required(string path, string detail) => new(path, FieldErrorTypes.Required, detail, null);

    private static FieldError Forbidden(string path, string detail) => new(path, FieldErrorTypes.Forbidden, detail, null);

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool Flag(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}
