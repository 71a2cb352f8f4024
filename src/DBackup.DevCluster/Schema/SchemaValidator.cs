using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// Validates a pruned and defaulted value against a <see cref="SchemaNode"/>, producing the errors
/// kube-openapi's validator produces after apiextensions maps them onto field errors
/// (<c>kubeOpenAPIResultToFieldErrors</c>): same paths, same codes, same message templates.
/// </summary>
internal sealed partial class SchemaValidator(List<FieldError> errors)
{
    public void ValidateRoot(JsonObject obj, SchemaNode root)
    {
        // Of ObjectMeta only name and generateName are subject to the CRD schema; the server
        // validates the rest of metadata itself.
        var view = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key != "metadata")
            {
                view[key] = value?.DeepClone();
            }
            else if (value is JsonObject metadata)
            {
                var names = new JsonObject();
                foreach (var field in new[] { "name", "generateName" })
                {
                    if (metadata.TryGetPropertyValue(field, out var name))
                    {
                        names[field] = name?.DeepClone();
                    }
                }

                view[key] = names;
            }
        }

        Validate(view, root, "");
    }

    public void Validate(JsonNode? value, SchemaNode s, string path)
    {
        if (!CheckType(value, s, path) || value is null)
        {
            return;
        }

        if (s.Enum is { } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, value, allowed.Select(a =>
                a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : a?.ToJsonString() ?? "null")));
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                ValidateString(value.GetValue<string>(), value, s, path);
                break;
            case JsonValueKind.Number:
                ValidateNumber(value, s, path);
                break;
            case JsonValueKind.Array:
                ValidateArray((JsonArray)value, s, path);
                break;
            case JsonValueKind.Object:
                ValidateObject((JsonObject)value, s, path);
                break;
        }

        ValidateComposition(value, s, path);
    }

    private void ValidateString(string text, JsonNode value, SchemaNode s, string path)
    {
        var runes = text.EnumerateRunes().Count();
        if (s.MaxLength is { } max && runes > max)
        {
            errors.Add(FieldError.TooLong(path, max));
        }

        if (s.MinLength is { } min && runes < min)
        {
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body should be at least {min} chars long"));
        }

        if (s.Pattern is { } re && !re.IsMatch(text))
        {
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body should match '{s.PatternText}'"));
        }

        if (s.Format is { } format && !SchemaFormats.IsValid(format, text))
        {
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body must be of type {format}: {FieldError.Quote(text)}"));
        }
    }

    private void ValidateNumber(JsonNode value, SchemaNode s, string path)
    {
        var d = ToDouble(value);
        if (s.Maximum is { } max && (s.ExclusiveMaximum ? d >= max : d > max))
        {
            var op = s.ExclusiveMaximum ? "less than" : "less than or equal to";
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body should be {op} {Go(max)}"));
        }

        if (s.Minimum is { } min && (s.ExclusiveMinimum ? d <= min : d < min))
        {
            var op = s.ExclusiveMinimum ? "greater than" : "greater than or equal to";
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body should be {op} {Go(min)}"));
        }

        if (s.MultipleOf is { } m && m > 0 && Math.Abs(Math.IEEERemainder(d, m)) > 1e-9)
        {
            errors.Add(FieldError.Invalid(path, value, $"{Name(path)} in body should be a multiple of {Go(m)}"));
        }
    }

    private void ValidateArray(JsonArray array, SchemaNode s, string path)
    {
        if (s.MinItems is { } min && array.Count < min)
        {
            errors.Add(FieldError.Invalid(path, array.Count.ToString(CultureInfo.InvariantCulture),
                $"{Name(path)} in body should have at least {min} items"));
        }

        if (s.MaxItems is { } max && array.Count > max)
        {
            errors.Add(FieldError.TooMany(path, array.Count, max));
        }

        if (s.UniqueItems && array.Select((a, i) => array.Take(i).Any(b => JsonNode.DeepEquals(a, b))).Any(d => d))
        {
            errors.Add(FieldError.Invalid(path, array, $"{Name(path)} in body shouldn't contain duplicates"));
        }

        if (s.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(array[i], items, $"{path}[{i}]");
            }
        }

        ListTypes.Validate(array, s, path, errors);
    }

    private void ValidateObject(JsonObject obj, SchemaNode s, string path)
    {
        if (s.MinProperties is { } min && obj.Count < min)
        {
            errors.Add(FieldError.Invalid(path, obj.Count.ToString(CultureInfo.InvariantCulture),
                $"{Name(path)} in body should have at least {min} properties"));
        }

        if (s.MaxProperties is { } max && obj.Count > max)
        {
            errors.Add(FieldError.TooMany(path, obj.Count, max));
        }

        foreach (var req in s.Required.Where(r => !obj.ContainsKey(r)))
        {
            errors.Add(FieldError.Required(Child(path, req)));
        }

        if (s.EmbeddedResource)
        {
            ValidateEmbedded(obj, path);
        }

        foreach (var (key, child) in obj)
        {
            if (s.EmbeddedResource && key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (s.Properties.TryGetValue(key, out var prop))
            {
                Validate(child, prop, Child(path, key));
            }
            else if (s.AdditionalProperties is { } ap)
            {
                Validate(child, ap, Child(path, key));
            }
        }
    }

    private static string Child(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;
}
