using System.Text.Json.Nodes;
using DBackup.DevCluster.Tables;

namespace DBackup.DevCluster.Tests.Tables;

public sealed class TableConverterTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private static readonly JsonObject CrdVersion = JsonNode.Parse("""
        {"name":"v1","additionalPrinterColumns":[
          {"name":"Schedule","type":"string","jsonPath":".spec.schedule","description":"Cron schedule"},
          {"name":"Replicas","type":"integer","jsonPath":".spec.replicas"},
          {"name":"Ratio","type":"number","jsonPath":".status.ratio","priority":1},
          {"name":"Suspended","type":"boolean","jsonPath":".spec.suspend"},
          {"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"},
          {"name":"Targets","type":"string","jsonPath":".spec.targets"},
          {"name":"Last","type":"date","jsonPath":".status.lastBackup"},
          {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}]}
        """)!.AsObject();

    [Fact]
    public void ForCrd_ReadsAdditionalPrinterColumns_WithDefaultDescription()
    {
        var columns = PrinterColumn.ForCrd(CrdVersion);

        Assert.Equal(["Schedule", "Replicas", "Ratio", "Suspended", "Ready", "Targets", "Last", "Age"], columns.Select(c => c.Name));
        Assert.Equal("Cron schedule", columns[0].Description);
        Assert.Equal("Custom resource definition column (in JSONPath format): .spec.replicas", columns[1].Description);
        Assert.Equal(1, columns[2].Priority);
    }

    [Fact]
    public void ForCrd_ReturnsAgeColumn_WhenNoneDefined()
    {
        var column = Assert.Single(PrinterColumn.ForCrd(new JsonObject { ["name"] = "v1" }));

        Assert.Equal(("Age", "date", ".metadata.creationTimestamp"), (column.Name, column.Type, column.JsonPath));
    }

    [Fact]
    public void ToTable_RendersCellsLikeCrdConvertor_ForEachColumnType()
    {
        var obj = Object("a", "2025-01-10T11:55:00Z", """
            {"schedule":"0 3 * * *","replicas":2,"suspend":true,"targets":[{"name":"x"}]}
            """, """{"ratio":0.5,"lastBackup":"2025-01-08T12:00:00Z","conditions":[{"type":"Ready","status":"True"}]}""");

        var table = TableConverter.ToTable([obj], PrinterColumn.ForCrd(CrdVersion), new JsonObject(), IncludeObjectPolicy.Metadata, now: Now);

        var cells = TableJson.Cells(table);
        Assert.Equal("""["a","0 3 * * *",2,0.5,true,"True","[{\"name\":\"x\"}]","2d","5m"]""", cells);
    }

    [Fact]
    public void ToTable_WritesNullCells_WhenPathsAreMissingOrTypesMismatch()
    {
        var obj = Object("b", "not-a-date", """{"replicas":"two"}""", "{}");

        var table = TableConverter.ToTable([obj], PrinterColumn.ForCrd(CrdVersion), new JsonObject(), IncludeObjectPolicy.None, now: Now);

        Assert.Equal("""["b",null,null,null,null,null,null,null,"<invalid>"]""", TableJson.Cells(table));
    }

    [Theory]
    [InlineData("""{"name":"A","type":"string","jsonPath":".spec.a"}""", "")]
    [InlineData("""{"name":"A","type":"text","jsonPath":".spec.a"}""", "spec.versions[0].additionalPrinterColumns[0].type: Invalid value: \"text\": must be one of boolean,date,integer,number,string")]
    [InlineData("""{"name":"A","jsonPath":".spec.a"}""", "spec.versions[0].additionalPrinterColumns[0].type: Required value: must be one of boolean,date,integer,number,string")]
    [InlineData("""{"type":"string","jsonPath":"spec.a","format":"weird"}""",
        "spec.versions[0].additionalPrinterColumns[0].name: Required value | spec.versions[0].additionalPrinterColumns[0].format: Invalid value: \"weird\": must be one of byte,date,date-time,double,float,int32,int64,password | spec.versions[0].additionalPrinterColumns[0].JSONPath: Invalid value: \"spec.a\": must be a simple json path starting with .")]
    [InlineData("""{"name":"A","type":"string"}""", "spec.versions[0].additionalPrinterColumns[0].JSONPath: Required value")]
    public void Validate_ReportsApiserverErrors_ForPrinterColumn(string column, string expected)
    {
        var version = new JsonObject { ["name"] = "v1", ["additionalPrinterColumns"] = new JsonArray(JsonNode.Parse(column)) };

        var errors = PrinterColumn.Validate(version, "spec.versions[0]");

        Assert.Equal(expected, string.Join(" | ", errors.Select(e => e.ToString())));
    }

    [Fact]
    public void ToTable_RendersNullCell_WhenColumnPathCannotBeParsed()
    {
        var columns = new[] { new PrinterColumn("Bad", "string", ".spec[", null, 0, null) };

        var table = TableConverter.ToTable([Object("a", "2025-01-10T11:00:00Z", "{}", "{}")], columns, new JsonObject(), IncludeObjectPolicy.None, now: Now);

        Assert.Equal("""["a",null]""", TableJson.Cells(table));
    }

    [Fact]
    public void ToTable_BuildsMetaV1Table_WithColumnDefinitionsAndListMetadata()
    {
        var listMeta = JsonNode.Parse("""{"resourceVersion":"42","continue":"tok","remainingItemCount":3,"selfLink":"x"}""")!.AsObject();

        var table = TableConverter.ToTable([], PrinterColumn.ForCrd(new JsonObject()), listMeta, IncludeObjectPolicy.Metadata, now: Now);

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", table["apiVersion"]!.GetValue<string>());
        Assert.Equal("""{"resourceVersion":"42","continue":"tok","remainingItemCount":3}""", table["metadata"]!.ToJsonString());
        var defs = table["columnDefinitions"]!.AsArray();
        Assert.Equal("""{"name":"Name","type":"string","format":"name","description":"Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names","priority":0}""",
            defs[0]!.ToJsonString());
        Assert.Equal("Age", defs[1]!["name"]!.GetValue<string>());
        Assert.Equal("date", defs[1]!["type"]!.GetValue<string>());
        Assert.Empty(table["rows"]!.AsArray());
    }

    [Fact]
    public void ToTable_OmitsColumnDefinitions_WhenNoHeaders()
    {
        var table = TableConverter.ToTable([Object("a", "2025-01-10T11:59:55Z", "{}", "{}")], PrinterColumn.ForCrd(new JsonObject()), new JsonObject(), IncludeObjectPolicy.Metadata, noHeaders: true, now: Now);

        Assert.False(table.ContainsKey("columnDefinitions"));
        Assert.Equal("""["a","5s"]""", TableJson.Cells(table));
    }

    [Theory]
    [InlineData("Metadata", """{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"a","creationTimestamp":"2025-01-10T11:00:00Z"}}""")]
    [InlineData("Object", """{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"a","creationTimestamp":"2025-01-10T11:00:00Z"},"spec":{"s":1},"status":{}}""")]
    [InlineData("None", null)]
    public void ToTable_SetsRowObject_PerIncludeObject(string includeObject, string? expected)
    {
        var policy = TableConverter.ParseIncludeObject(includeObject);
        var table = TableConverter.ToTable([Object("a", "2025-01-10T11:00:00Z", """{"s":1}""", "{}")], [], new JsonObject(), policy, now: Now);

        Assert.Equal(expected, table["rows"]![0]!["object"]?.ToJsonString());
    }

    [Theory]
    [InlineData(null, "Metadata")]
    [InlineData("", "Metadata")]
    [InlineData("Metadata", "Metadata")]
    [InlineData("Object", "Object")]
    [InlineData("None", "None")]
    public void ParseIncludeObject_MapsQueryValue(string? value, string expected)
    {
        Assert.Equal(expected, TableConverter.ParseIncludeObject(value).ToString());
    }

    [Fact]
    public void ParseIncludeObject_Throws_WhenValueIsUnknown()
    {
        Assert.Throws<FormatException>(() => TableConverter.ParseIncludeObject("object"));
    }

    internal static JsonObject Object(string name, string created, string spec, string status) => new()
    {
        ["apiVersion"] = "example.com/v1",
        ["kind"] = "Thing",
        ["metadata"] = new JsonObject { ["name"] = name, ["creationTimestamp"] = created },
        ["spec"] = JsonNode.Parse(spec),
        ["status"] = JsonNode.Parse(status),
    };
}
