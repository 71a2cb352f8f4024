using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Tests.Schema;

public sealed class StructuralChecksTests
{
    private const string P = "spec.versions[0].schema.openAPIV3Schema";

    [Theory]
    // Structural schemas pass.
    [InlineData("""{"type":"object","properties":{"spec":{"type":"object","properties":{"a":{"type":"string"}}}}}""", "")]
    [InlineData("""{"type":"object","properties":{"metadata":{"type":"object","properties":{"name":{"type":"string","maxLength":20}}}}}""", "")]
    [InlineData("""{"type":"object","properties":{"port":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}}}""", "")]
    [InlineData("""{"type":"object","properties":{"free":{"x-kubernetes-preserve-unknown-fields":true}}}""", "")]
    // Types must be given.
    [InlineData("""{"properties":{}}""", P + ".type: Required value: must not be empty at the root")]
    [InlineData("""{"type":"object","properties":{"spec":{"properties":{}}}}""", P + ".properties[spec].type: Required value: must not be empty for specified object fields")]
    [InlineData("""{"type":"object","properties":{"l":{"type":"array","items":{}}}}""", P + ".properties[l].items.type: Required value: must not be empty for specified array items")]
    [InlineData("""{"type":"object","properties":{"l":{"type":"array"}}}""", P + ".properties[l].items: Required value: must be specified")]
    [InlineData("""{"type":"string"}""", P + ".type: Invalid value: \"string\": must be object at the root")]
    // additionalProperties.
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""", P + ".additionalProperties: Forbidden: must not be used at the root")]
    [InlineData("""{"type":"object","properties":{"m":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}}}""",
        P + ".properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive")]
    // Embedded resources and metadata.
    [InlineData("""{"type":"object","properties":{"e":{"x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}""",
        P + ".properties[e].type: Required value: must be object if x-kubernetes-embedded-resource is true")]
    [InlineData("""{"type":"object","properties":{"e":{"type":"object","x-kubernetes-embedded-resource":true}}}""",
        P + ".properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields")]
    [InlineData("""{"type":"object","properties":{"kind":{"type":"integer"}}}""", P + ".properties[kind].type: Invalid value: \"integer\": must be string")]
    [InlineData("""{"type":"object","properties":{"metadata":{"type":"object","properties":{"labels":{"type":"object"}}}}}""",
        P + ".properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified")]
    // int-or-string exclusivity and patterns.
    [InlineData("""{"type":"object","properties":{"p":{"x-kubernetes-int-or-string":true,"x-kubernetes-preserve-unknown-fields":true}}}""",
        P + ".properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true")]
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","pattern":"(a"}}}""", P + ".properties[s].pattern: Invalid value: \"(a\": must be a valid regular expression, but isn't")]
    // Value validations must not carry structure.
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","anyOf":[{"type":"string","description":"x"}]}}}""",
        P + ".properties[s].anyOf[0].description: Forbidden: must be empty to be structural | " + P + ".properties[s].anyOf[0].type: Forbidden: must be empty to be structural")]
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","not":{"nullable":true}}}}""", P + ".properties[s].not.nullable: Forbidden: must be false to be structural")]
    // Defaults must validate and must not carry fields pruning would drop.
    [InlineData("""{"type":"object","properties":{"m":{"type":"string","enum":["A","B"],"default":"C"}}}""",
        P + ".properties[m].default: Unsupported value: \"C\": supported values: \"A\", \"B\"")]
    [InlineData("""{"type":"object","properties":{"r":{"type":"object","default":{"keep":1,"extra":2},"properties":{"keep":{"type":"integer"}}}}}""",
        P + ".properties[r].default: Invalid value: {\"keep\":1,\"extra\":2}: must not have unknown fields")]
    [InlineData("""{"type":"object","properties":{"r":{"type":"object","default":{"keep":"x"},"properties":{"keep":{"type":"integer"}}}}}""",
        P + ".properties[r].default.keep: Invalid value: \"string\": " + P + ".properties[r].default.keep in body must be of type integer: \"string\"")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","default":3,"minimum":1}}}""", "")]
    public void ValidateStructural_ReportsApiserverErrors_ForSchema(string schema, string expected)
    {
        var errors = StructuralSchema.ValidateStructural(JsonNode.Parse(schema)!, P);

        Assert.Equal(expected, string.Join(" | ", errors.Select(e => e.ToString())));
    }

    [Fact]
    public void ValidateStructural_AcceptsTheProjectsCrdShapes()
    {
        // Shapes the operator's generated CRDs use: maps, lists of objects with enums, date-times, CEL rules.
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{
              "spec":{"type":"object","required":["schedule"],"x-kubernetes-validations":[{"rule":"has(self.schedule)","message":"m"}],"properties":{
                "schedule":{"type":"string"},
                "labels":{"type":"object","additionalProperties":{"type":"string"}},
                "sources":{"type":"array","minItems":1,"items":{"type":"object","properties":{"kind":{"type":"string","enum":["A","B"]}}}}}},
              "status":{"type":"object","properties":{"lastRun":{"type":"string","format":"date-time","nullable":true}}}}}
            """)!;

        Assert.Empty(StructuralSchema.ValidateStructural(schema, P));
    }
}
