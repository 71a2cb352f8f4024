using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Tests.Schema;

public sealed class SchemaValidationTests
{
    // Each row: the schema of `spec.x`, the value of `spec.x` (JSON), the expected errors joined by " | ".
    [Theory]
    // Types.
    [InlineData("""{"type":"integer"}""", "\"string\"", "spec.x: Invalid value: \"string\": spec.x in body must be of type integer: \"string\"")]
    [InlineData("""{"type":"integer"}""", "3", "")]
    [InlineData("""{"type":"integer"}""", "3.0", "")]
    [InlineData("""{"type":"integer"}""", "3.5", "spec.x: Invalid value: \"number\": spec.x in body must be of type integer: \"number\"")]
    [InlineData("""{"type":"number"}""", "3", "")]
    [InlineData("""{"type":"number"}""", "true", "spec.x: Invalid value: \"boolean\": spec.x in body must be of type number: \"boolean\"")]
    [InlineData("""{"type":"string"}""", "1", "spec.x: Invalid value: \"integer\": spec.x in body must be of type string: \"integer\"")]
    [InlineData("""{"type":"boolean"}""", "\"yes\"", "spec.x: Invalid value: \"string\": spec.x in body must be of type boolean: \"string\"")]
    [InlineData("""{"type":"object"}""", "[]", "spec.x: Invalid value: \"array\": spec.x in body must be of type object: \"array\"")]
    [InlineData("""{"type":"array","items":{"type":"string"}}""", "{}", "spec.x: Invalid value: \"object\": spec.x in body must be of type array: \"object\"")]
    // Nullable.
    [InlineData("""{"type":"string","nullable":true}""", "null", "")]
    [InlineData("""{"type":"array","items":{"type":"string"}}""", "[null]", "spec.x[0]: Invalid value: \"null\": spec.x[0] in body must be of type string: \"null\"")]
    [InlineData("""{"type":"array","items":{"type":"string","nullable":true}}""", "[null]", "")]
    // Enum.
    [InlineData("""{"type":"string","enum":["Overwrite","Merge"]}""", "\"X\"", "spec.x: Unsupported value: \"X\": supported values: \"Overwrite\", \"Merge\"")]
    [InlineData("""{"type":"string","enum":["Overwrite","Merge"]}""", "\"Merge\"", "")]
    [InlineData("""{"type":"integer","enum":[1,2]}""", "3", "spec.x: Unsupported value: 3: supported values: \"1\", \"2\"")]
    // Strings.
    [InlineData("""{"type":"string","pattern":"^[a-z]+$"}""", "\"Abc\"", "spec.x: Invalid value: \"Abc\": spec.x in body should match '^[a-z]+$'")]
    [InlineData("""{"type":"string","pattern":"^[a-z]+$"}""", "\"abc\"", "")]
    // RE2 syntax .NET lacks is translated; an unreadable pattern is not enforced rather than failing the CRD.
    [InlineData("""{"type":"string","pattern":"^(?P<word>[a-z]+)$"}""", "\"Abc\"", "spec.x: Invalid value: \"Abc\": spec.x in body should match '^(?P<word>[a-z]+)$'")]
    [InlineData("""{"type":"string","pattern":"^\\pL+$"}""", "\"äbc\"", "")]
    [InlineData("""{"type":"string","pattern":"^\\pL+$"}""", "\"a1\"", "spec.x: Invalid value: \"a1\": spec.x in body should match '^\\pL+$'")]
    [InlineData("""{"type":"string","pattern":"(unclosed"}""", "\"anything\"", "")]
    [InlineData("""{"type":"string","minLength":3}""", "\"ab\"", "spec.x: Invalid value: \"ab\": spec.x in body should be at least 3 chars long")]
    [InlineData("""{"type":"string","maxLength":3}""", "\"abcd\"", "spec.x: Too long: may not be more than 3 bytes")]
    [InlineData("""{"type":"string","maxLength":3}""", "\"äöü\"", "")]
    // Formats (lenient like strfmt; numeric formats are not range-checked).
    [InlineData("""{"type":"string","format":"date-time"}""", "\"2024-01-02T03:04:05Z\"", "")]
    [InlineData("""{"type":"string","format":"date-time"}""", "\"2024-01-02T03:04:05.123+02:00\"", "")]
    [InlineData("""{"type":"string","format":"date-time"}""", "\"2024-01-02T03:04:05\"", "")]
    [InlineData("""{"type":"string","format":"date-time"}""", "\"yesterday\"", "spec.x: Invalid value: \"yesterday\": spec.x in body must be of type date-time: \"yesterday\"")]
    [InlineData("""{"type":"string","format":"date"}""", "\"2024-02-30\"", "spec.x: Invalid value: \"2024-02-30\": spec.x in body must be of type date: \"2024-02-30\"")]
    [InlineData("""{"type":"string","format":"byte"}""", "\"!!\"", "spec.x: Invalid value: \"!!\": spec.x in body must be of type byte: \"!!\"")]
    [InlineData("""{"type":"string","format":"uuid"}""", "\"0b3e7f7a-3c1f-4f55-9f0a-8d1c2b3a4e5f\"", "")]
    [InlineData("""{"type":"string","format":"made-up"}""", "\"anything\"", "")]
    [InlineData("""{"type":"integer","format":"int32"}""", "9999999999", "")]
    [InlineData("""{"type":"integer","format":"int64"}""", "5", "")]
    // Numbers.
    [InlineData("""{"type":"integer","minimum":1}""", "0", "spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1")]
    [InlineData("""{"type":"integer","minimum":1,"exclusiveMinimum":true}""", "1", "spec.x: Invalid value: 1: spec.x in body should be greater than 1")]
    [InlineData("""{"type":"integer","maximum":10}""", "11", "spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10")]
    [InlineData("""{"type":"integer","maximum":10,"exclusiveMaximum":true}""", "10", "spec.x: Invalid value: 10: spec.x in body should be less than 10")]
    [InlineData("""{"type":"number","maximum":1.5}""", "1.5", "")]
    [InlineData("""{"type":"integer","multipleOf":5}""", "12", "spec.x: Invalid value: 12: spec.x in body should be a multiple of 5")]
    // Arrays.
    [InlineData("""{"type":"array","minItems":2,"items":{"type":"string"}}""", "[\"a\"]", "spec.x: Invalid value: 1: spec.x in body should have at least 2 items")]
    [InlineData("""{"type":"array","maxItems":1,"items":{"type":"string"}}""", "[\"a\",\"b\"]", "spec.x: Too many: 2: must have at most 1 item")]
    [InlineData("""{"type":"array","items":{"type":"integer"}}""", "[1,\"two\"]", "spec.x[1]: Invalid value: \"string\": spec.x[1] in body must be of type integer: \"string\"")]
    [InlineData("""{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}""", "[\"a\",\"a\"]", "spec.x[1]: Duplicate value: \"a\"")]
    [InlineData("""{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],"items":{"type":"object","properties":{"name":{"type":"string"}}}}""", "[{\"name\":\"a\"},{\"name\":\"a\"}]", "spec.x[1]: Duplicate value: {\"name\":\"a\"}")]
    // Objects and maps.
    [InlineData("""{"type":"object","required":["schedule"],"properties":{"schedule":{"type":"string"}}}""", "{}", "spec.x.schedule: Required value")]
    [InlineData("""{"type":"object","minProperties":1,"additionalProperties":{"type":"string"}}""", "{}", "spec.x: Invalid value: 0: spec.x in body should have at least 1 properties")]
    [InlineData("""{"type":"object","maxProperties":1,"additionalProperties":{"type":"string"}}""", "{\"a\":\"1\",\"b\":\"2\"}", "spec.x: Too many: 2: must have at most 1 item")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""", "{\"a\":1}", "spec.x.a: Invalid value: \"integer\": spec.x.a in body must be of type string: \"integer\"")]
    // int-or-string and embedded resources.
    [InlineData("""{"x-kubernetes-int-or-string":true}""", "80", "")]
    [InlineData("""{"x-kubernetes-int-or-string":true}""", "\"http\"", "")]
    [InlineData("""{"x-kubernetes-int-or-string":true}""", "true", "spec.x: Invalid value: \"boolean\": spec.x in body must be of type integer,string: \"boolean\"")]
    [InlineData("""{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}""", "{\"kind\":\"Pod\"}", "spec.x.apiVersion: Required value")]
    [InlineData("""{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}""", "{\"apiVersion\":\"\",\"kind\":1}", "spec.x.apiVersion: Invalid value: \"\": must not be empty | spec.x.kind: Invalid value: 1: must be a string")]
    [InlineData("""{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}""", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", "")]
    // Composition: only value validations, as structural schemas allow.
    [InlineData("""{"type":"string","anyOf":[{"pattern":"^a"},{"pattern":"^b"}]}""", "\"c\"", "spec.x: Invalid value: \"c\": spec.x in body must validate at least one schema (anyOf)")]
    [InlineData("""{"type":"string","anyOf":[{"pattern":"^a"},{"pattern":"^b"}]}""", "\"b\"", "")]
    [InlineData("""{"type":"string","oneOf":[{"pattern":"^a"},{"pattern":"b$"}]}""", "\"ab\"", "spec.x: Invalid value: \"ab\": spec.x in body must validate one and only one schema (oneOf)")]
    [InlineData("""{"type":"string","not":{"pattern":"^a"}}""", "\"ab\"", "spec.x: Invalid value: \"ab\": spec.x in body must not validate the schema (not)")]
    [InlineData("""{"type":"string","allOf":[{"minLength":2},{"maxLength":1}]}""", "\"ab\"", "spec.x: Too long: may not be more than 1 byte")]
    public void PruneDefaultValidate_ReportsApiserverWording_ForValue(string propertySchema, string value, string expected)
    {
        var schema = StructuralSchema.FromOpenApiV3(Root(propertySchema));
        var obj = new JsonObject
        {
            ["apiVersion"] = "example.com/v1",
            ["kind"] = "Thing",
            ["spec"] = new JsonObject { ["x"] = JsonNode.Parse(value) },
        };

        var errors = schema.PruneDefaultValidate(obj);

        Assert.Equal(expected, string.Join(" | ", errors.Select(e => e.ToString())));
    }

    [Fact]
    public void PruneDefaultValidate_ReportsNullTypeError_WhenValueIsNullAndNotNullableWithDefaultPruned()
    {
        // A non-nullable null without a default is pruned away before validation, so required catches it.
        var schema = StructuralSchema.FromOpenApiV3(Root("""{"type":"string"}""", required: true));
        var obj = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Thing","spec":{"x":null}}""")!.AsObject();

        var errors = schema.PruneDefaultValidate(obj);

        Assert.Equal("spec.x: Required value", Assert.Single(errors).ToString());
        Assert.False(obj["spec"]!.AsObject().ContainsKey("x"));
    }

    [Fact]
    public void PruneDefaultValidate_ReportsEveryError_WhenSeveralFieldsAreInvalid()
    {
        var schema = StructuralSchema.FromOpenApiV3(JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","required":["schedule"],"properties":{
              "schedule":{"type":"string"},"replicas":{"type":"integer"},"mode":{"type":"string","enum":["Overwrite","Merge"]}}}}}
            """)!);
        var obj = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"a"},"spec":{"replicas":"string","mode":"X"}}""")!.AsObject();

        var errors = schema.PruneDefaultValidate(obj).Select(e => e.ToString()).ToList();

        Assert.Contains("spec.schedule: Required value", errors);
        Assert.Contains("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"", errors);
        Assert.Contains("spec.mode: Unsupported value: \"X\": supported values: \"Overwrite\", \"Merge\"", errors);
        Assert.Equal(3, errors.Count);
    }

    [Theory]
    [InlineData("ok-name", "")]
    [InlineData("this-name-is-too-long", "metadata.name: Too long: may not be more than 10 bytes")]
    public void PruneDefaultValidate_ChecksMetadataName_AgainstRootSchema(string name, string expected)
    {
        var schema = StructuralSchema.FromOpenApiV3(JsonNode.Parse("""
            {"type":"object","properties":{"metadata":{"type":"object","properties":{"name":{"type":"string","maxLength":10}}}}}
            """)!);
        var obj = new JsonObject
        {
            ["apiVersion"] = "example.com/v1",
            ["kind"] = "Thing",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["a"] = "b" } },
        };

        var errors = schema.PruneDefaultValidate(obj);

        Assert.Equal(expected, string.Join(" | ", errors.Select(e => e.ToString())));
        Assert.Equal("b", obj["metadata"]!["labels"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public void FieldError_ExposesCauseReason_ForStatusDetails()
    {
        Assert.Equal("FieldValueRequired", FieldError.Required("spec.a").CauseReason);
        Assert.Equal("FieldValueNotSupported", FieldError.NotSupported("spec.a", "x", ["y"]).CauseReason);
        Assert.Equal("FieldValueInvalid", FieldError.Invalid("spec.a", JsonValue.Create(1), "bad").CauseReason);
        Assert.Equal("Invalid value: 1: bad", FieldError.Invalid("spec.a", JsonValue.Create(1), "bad").Body);
    }

    internal static JsonNode Root(string propertySchema, bool required = false) => new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = required ? new JsonArray("x") : new JsonArray(),
                ["properties"] = new JsonObject { ["x"] = JsonNode.Parse(propertySchema) },
            },
        },
    };
}
