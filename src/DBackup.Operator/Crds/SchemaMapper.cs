using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using DBackup.Operator.Entities;
using k8s.Models;

namespace DBackup.Operator.Crds;

/// <summary>
/// Maps C# entity types to a structural OpenAPI v3 schema, the way KubeOps' transpiler does, with
/// plain reflection: strings, integers (int32/int64), numbers, booleans, date-times, enums as strings,
/// lists as arrays, string dictionaries as maps; validation from DataAnnotations and our attributes.
/// </summary>
internal sealed class SchemaMapper(XmlDocs docs)
{
    public V1JSONSchemaProps Map(Type type, string? description = null)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var schema = MapCore(underlying);
        schema.Description = description ?? (IsOurs(underlying) ? docs.Of(underlying) : schema.Description);
        return schema;
    }

    private V1JSONSchemaProps MapCore(Type type)
    {
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string" };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean" };
        }

        if (type == typeof(int))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        }

        if (type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        }

        if (type == typeof(double))
        {
            return new V1JSONSchemaProps { Type = "number" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        }

        if (type.IsEnum)
        {
            return new V1JSONSchemaProps { Type = "string", EnumProperty = EnumValues(type) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = Map(type.GetGenericArguments()[1]) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return new V1JSONSchemaProps { Type = "array", Items = Map(type.GetGenericArguments()[0]) };
        }

        if (type == typeof(V1ObjectMeta))
        {
            return new V1JSONSchemaProps { Type = "object" };
        }

        if (type.IsClass)
        {
            return MapObject(type);
        }

        throw new NotSupportedException($"CRD schema: no mapping for type {type.FullName}");
    }

    private V1JSONSchemaProps MapObject(Type type)
    {
        var schema = new V1JSONSchemaProps { Type = "object", Properties = new Dictionary<string, V1JSONSchemaProps>() };
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var propertySchema = Map(property.PropertyType, IsOurs(type) ? docs.Of(property) : null);
            ApplyValidation(property, propertySchema);
            schema.Properties[name] = propertySchema;
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        schema.Required = required.Count > 0 ? required : null;
        var rules = type.GetCustomAttributes<ValidationRuleAttribute>().ToList();
        if (rules.Count > 0)
        {
            schema.XKubernetesValidations = rules.Select(r => new V1ValidationRule { Rule = r.Rule, Message = r.Message }).ToList();
        }

        return schema;
    }

    private static void ApplyValidation(PropertyInfo property, V1JSONSchemaProps schema)
    {
        if (property.GetCustomAttribute<MinLengthAttribute>() is { } min)
        {
            if (schema.Type == "array")
            {
                schema.MinItems = min.Length;
            }
            else
            {
                schema.MinLength = min.Length;
            }
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } max)
        {
            if (schema.Type == "array")
            {
                schema.MaxItems = max.Length;
            }
            else
            {
                schema.MaxLength = max.Length;
            }
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema.Minimum = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            var maximum = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
            schema.Maximum = maximum >= int.MaxValue ? null : maximum;
        }

        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } regex)
        {
            schema.Pattern = regex.Pattern;
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } @default)
        {
            // Plain CLR values: the YAML serializer writes them as scalars, a JsonElement it would not.
            schema.DefaultProperty = JsonSerializer.Deserialize<JsonElement>(@default.Json) switch
            {
                { ValueKind: JsonValueKind.String } e => e.GetString(),
                { ValueKind: JsonValueKind.True } => true,
                { ValueKind: JsonValueKind.False } => false,
                { ValueKind: JsonValueKind.Number } e => e.GetInt64(),
                var e => throw new NotSupportedException($"[Default({@default.Json})] on {property.Name}: only string, boolean and integer defaults are supported ({e.ValueKind})"),
            };
        }

        var rules = property.GetCustomAttributes<ValidationRuleAttribute>().ToList();
        if (rules.Count > 0)
        {
            schema.XKubernetesValidations = rules.Select(r => new V1ValidationRule { Rule = r.Rule, Message = r.Message }).ToList();
        }
    }

    private static List<object> EnumValues(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (object)(f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name))
            .ToList();

    private static bool IsOurs(Type type) => type.Assembly == typeof(SchemaMapper).Assembly;
}
