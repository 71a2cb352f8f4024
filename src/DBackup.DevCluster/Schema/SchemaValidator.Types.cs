using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>Type checks (kube-openapi's typeValidator) and allOf/anyOf/oneOf/not.</summary>
internal sealed partial class SchemaValidator
{
    private bool CheckType(JsonNode? value, SchemaNode s, string path)
    {
        var actual = TypeName(value);
        if (s.IntOrString)
        {
            if (actual is "integer" or "string" || (value is null && s.Nullable))
            {
                return true;
            }

            errors.Add(TypeError(path, "integer,string", actual));
            return false;
        }

        if (s.Type is null)
        {
            return true;
        }

        if (value is null)
        {
            if (s.Nullable)
            {
                return true;
            }

            errors.Add(TypeError(path, s.Type, "null"));
            return false;
        }

        var ok = s.Type == actual || (s.Type == "number" && actual == "integer")
            || (s.Type == "integer" && actual == "number" && IsIntegral(value));
        if (!ok)
        {
            errors.Add(TypeError(path, s.Type, actual));
        }

        return ok;
    }

    private static FieldError TypeError(string path, string expected, string actual) =>
        FieldError.Invalid(path, FieldError.Quote(actual), $"{Name(path)} in body must be of type {expected}: {FieldError.Quote(actual)}");

    private static string Name(string path) => path.Length == 0 ? "." : path;

    internal static string TypeName(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        // Like the apiserver's JSON decoder: a number written without fraction or exponent is an integer.
        _ => value.ToJsonString().IndexOfAny(['.', 'e', 'E']) < 0 ? "integer" : "number",
    };

    private static bool IsIntegral(JsonNode value)
    {
        var d = ToDouble(value);
        return Math.Abs(d % 1) < double.Epsilon && Math.Abs(d) < 9.007199254740992E15;
    }

    internal static double ToDouble(JsonNode value) =>
        double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    internal static string Go(double d) => d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal);

    private void ValidateComposition(JsonNode value, SchemaNode s, string path)
    {
        foreach (var all in s.AllOf)
        {
            Validate(value, all, path);
        }

        if (s.AnyOf.Count > 0 && !s.AnyOf.Any(a => Passes(value, a, path)))
        {
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body must validate at least one schema (anyOf)"));
        }

        if (s.OneOf.Count > 0 && s.OneOf.Count(a => Passes(value, a, path)) != 1)
        {
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body must validate one and only one schema (oneOf)"));
        }

        if (s.Not is { } not && Passes(value, not, path))
        {
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body must not validate the schema (not)"));
        }
    }

    private static bool Passes(JsonNode value, SchemaNode s, string path)
    {
        var scratch = new List<FieldError>();
        new SchemaValidator(scratch).Validate(value, s, path);
        return scratch.Count == 0;
    }

    // objectmeta.validateEmbeddedResource: apiVersion and kind must be present, non-empty strings.
    private void ValidateEmbedded(JsonObject obj, string path)
    {
        foreach (var meta in new[] { "apiVersion", "kind" })
        {
            var field = path.Length == 0 ? meta : path + "." + meta;
            if (!obj.TryGetPropertyValue(meta, out var value))
            {
                errors.Add(FieldError.Required(field));
            }
            else if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                errors.Add(FieldError.Invalid(field, value, "must be a string"));
            }
            else if (v.GetValue<string>().Length == 0)
            {
                errors.Add(FieldError.Invalid(field, value, "must not be empty"));
            }
        }
    }
}
