using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Tests.Schema;

public sealed class StructuralSchemaTests
{
    private const string BackupSchema = """
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "schedule":{"type":"string"},
            "suspend":{"type":"boolean","default":false},
            "retention":{"type":"object","default":{},"properties":{
               "keepLast":{"type":"integer","default":7},"keepDaily":{"type":"integer"}}},
            "labels":{"type":"object","additionalProperties":{"type":"string"}},
            "targets":{"type":"array","items":{"type":"object","properties":{
               "name":{"type":"string"},"mode":{"type":"string","default":"Full"}}}},
            "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"object","properties":{"a":{"type":"string"}}}}},
            "template":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object","properties":{"a":{"type":"string"}}}}},
            "nullableWithDefault":{"type":"string","nullable":true,"default":"d"},
            "nonNullableWithDefault":{"type":"string","default":"d"}}},
          "status":{"type":"object","properties":{
            "phase":{"type":"string","enum":["Ready","Failed"]},"count":{"type":"integer","default":0}}}}}
        """;

    private static readonly StructuralSchema Schema = StructuralSchema.FromOpenApiV3(JsonNode.Parse(BackupSchema)!);

    [Fact]
    public void PruneDefaultValidate_DropsUnknownFields_WhenNotPreserved()
    {
        var obj = Parse("""{"spec":{"schedule":"* * * * *","bogus":1,"targets":[{"name":"a","junk":true}]},"top":1}""");

        Assert.Empty(Schema.PruneDefaultValidate(obj));

        Assert.False(obj.ContainsKey("top"));
        Assert.False(obj["spec"]!.AsObject().ContainsKey("bogus"));
        Assert.False(obj["spec"]!["targets"]![0]!.AsObject().ContainsKey("junk"));
    }

    [Fact]
    public void PruneDefaultValidate_KeepsRootMetaFieldsAndMetadataContents_Always()
    {
        var obj = Parse("""{"spec":{}}""");
        obj["metadata"] = JsonNode.Parse("""{"name":"a","labels":{"x":"y"},"annotations":{"k":"v"}}""");

        Schema.PruneDefaultValidate(obj);

        Assert.Equal("example.com/v1", obj["apiVersion"]!.GetValue<string>());
        Assert.Equal("Thing", obj["kind"]!.GetValue<string>());
        Assert.Equal("""{"name":"a","labels":{"x":"y"},"annotations":{"k":"v"}}""", obj["metadata"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_DropsFieldsObjectMetaDoesNotHave_InRootAndEmbeddedMetadata()
    {
        var obj = Parse("""{"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","color":"red"}}}}""");
        obj["metadata"] = JsonNode.Parse("""{"name":"a","bogus":1,"ownerReferences":[{"uid":"u","name":"o","kind":"K","apiVersion":"v1","extra":true}]}""");

        var unknown = Schema.UnknownFields(obj);
        Schema.PruneDefaultValidate(obj);

        Assert.Equal(["metadata.bogus", "metadata.ownerReferences[0].extra", "spec.template.metadata.color"], unknown);
        Assert.Equal("""{"name":"a","ownerReferences":[{"uid":"u","name":"o","kind":"K","apiVersion":"v1"}]}""", obj["metadata"]!.ToJsonString());
        Assert.Equal("""{"name":"p"}""", obj["spec"]!["template"]!["metadata"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_KeepsUnknownFieldsButPrunesKnownChildren_UnderPreserveUnknownFields()
    {
        var obj = Parse("""{"spec":{"extra":{"anything":{"deep":1},"known":{"a":"x","b":"pruned"}}}}""");

        Schema.PruneDefaultValidate(obj);

        Assert.Equal("""{"anything":{"deep":1},"known":{"a":"x"}}""", obj["spec"]!["extra"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_KeepsUnknownFieldsOfItems_InPreservedArray()
    {
        var schema = StructuralSchema.FromOpenApiV3(JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "free":{"type":"array","x-kubernetes-preserve-unknown-fields":true,"items":{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"string"}}}}}},
              "strict":{"type":"array","items":{"type":"object","properties":{"a":{"type":"string"}}}}}}}}
            """)!);
        var obj = Parse("""{"spec":{"free":[{"x":1,"a":{"b":"k","c":"gone"}}],"strict":[{"a":"k","x":1}]}}""");

        schema.PruneDefaultValidate(obj);

        Assert.Equal("""{"free":[{"x":1,"a":{"b":"k"}}],"strict":[{"a":"k"}]}""", obj["spec"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_KeepsApiVersionKindMetadata_InEmbeddedResource()
    {
        var obj = Parse("""{"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":"x","b":"y"},"other":1}}}""");

        Assert.Empty(Schema.PruneDefaultValidate(obj));

        Assert.Equal("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":"x"}}""", obj["spec"]!["template"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_KeepsMapKeys_WhenAdditionalPropertiesIsASchema()
    {
        var obj = Parse("""{"spec":{"labels":{"a":"1","b":"2"}}}""");

        Assert.Empty(Schema.PruneDefaultValidate(obj));

        Assert.Equal("""{"a":"1","b":"2"}""", obj["spec"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_AppliesDefaultsRecursively_ForMissingProperties()
    {
        var obj = Parse("""{"spec":{"targets":[{"name":"a"},{"name":"b","mode":"Incremental"}]}}""");

        Assert.Empty(Schema.PruneDefaultValidate(obj));

        var spec = obj["spec"]!;
        Assert.False(spec["suspend"]!.GetValue<bool>());
        // retention defaults to {} and then its own keepLast default applies inside it.
        Assert.Equal("""{"keepLast":7}""", spec["retention"]!.ToJsonString());
        Assert.Equal("Full", spec["targets"]![0]!["mode"]!.GetValue<string>());
        Assert.Equal("Incremental", spec["targets"]![1]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public void PruneDefaultValidate_DoesNotDefault_WhenParentObjectIsAbsent()
    {
        var obj = Parse("""{}""");

        Schema.PruneDefaultValidate(obj);

        Assert.False(obj.ContainsKey("spec"));
    }

    [Fact]
    public void PruneDefaultValidate_DefaultsNonNullableNull_ButKeepsNullableNull()
    {
        var obj = Parse("""{"spec":{"nullableWithDefault":null,"nonNullableWithDefault":null,"schedule":null}}""");

        Assert.Empty(Schema.PruneDefaultValidate(obj));

        var spec = obj["spec"]!.AsObject();
        Assert.True(spec.ContainsKey("nullableWithDefault"));
        Assert.Null(spec["nullableWithDefault"]);
        Assert.Equal("d", spec["nonNullableWithDefault"]!.GetValue<string>());
        Assert.False(spec.ContainsKey("schedule"));
    }

    [Fact]
    public void PruneDefaultValidate_PrunesBeforeDefaulting_SoUnknownFieldsNeverMaskDefaults()
    {
        var obj = Parse("""{"spec":{"retention":{"keepLst":3}}}""");

        Schema.PruneDefaultValidate(obj);

        Assert.Equal("""{"keepLast":7}""", obj["spec"]!["retention"]!.ToJsonString());
    }

    [Fact]
    public void UnknownFields_ListsSortedPaths_WithoutMutating()
    {
        var obj = Parse("""{"spec":{"zeta":1,"bogus":1,"targets":[{"name":"a"},{"name":"b","junk":true}],"extra":{"free":1}},"top":1}""");
        var before = obj.ToJsonString();

        var unknown = Schema.UnknownFields(obj);

        Assert.Equal(["spec.bogus", "spec.targets[1].junk", "spec.zeta", "top"], unknown);
        Assert.Equal(before, obj.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_OnlyTouchesStatus_WhenStatusOnly()
    {
        var obj = Parse("""{"spec":{"bogus":1,"retention":{}},"status":{"phase":"Nope","junk":1}}""");

        var errors = Schema.PruneDefaultValidate(obj, statusOnly: true);

        Assert.Equal("status.phase: Unsupported value: \"Nope\": supported values: \"Ready\", \"Failed\"", Assert.Single(errors).ToString());
        Assert.Equal("""{"bogus":1,"retention":{}}""", obj["spec"]!.ToJsonString());
        Assert.Equal("""{"phase":"Nope","count":0}""", obj["status"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_ValidatesStatus_OnFullWrites()
    {
        var obj = Parse("""{"spec":{},"status":{"phase":"Nope"}}""");

        var errors = Schema.PruneDefaultValidate(obj);

        Assert.Equal("status.phase: Unsupported value: \"Nope\": supported values: \"Ready\", \"Failed\"", Assert.Single(errors).ToString());
    }

    [Fact]
    public void PruneDefaultValidate_PrunesEverything_WhenObjectSchemaHasNoProperties()
    {
        var schema = StructuralSchema.FromOpenApiV3(JsonNode.Parse("""{"type":"object","properties":{"spec":{"type":"object"}}}""")!);
        var obj = Parse("""{"spec":{"a":1}}""");

        schema.PruneDefaultValidate(obj);

        Assert.Equal("{}", obj["spec"]!.ToJsonString());
    }

    [Fact]
    public void PruneDefaultValidate_KeepsEverything_WhenRootPreservesUnknownFields()
    {
        var schema = StructuralSchema.FromOpenApiV3(JsonNode.Parse("""{"type":"object","x-kubernetes-preserve-unknown-fields":true}""")!);
        var obj = Parse("""{"spec":{"a":1},"status":{"b":2}}""");

        Assert.Empty(schema.PruneDefaultValidate(obj));
        Assert.Empty(schema.PruneDefaultValidate(obj, statusOnly: true));

        Assert.Equal("""{"apiVersion":"example.com/v1","kind":"Thing","spec":{"a":1},"status":{"b":2}}""", obj.ToJsonString());
    }

    private static JsonObject Parse(string body)
    {
        var obj = JsonNode.Parse(body)!.AsObject();
        var result = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Thing" };
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            result[key] = value;
        }

        return result;
    }
}
