using System.Text.Json.Nodes;
using DBackup.DevCluster.Tables;

namespace DBackup.DevCluster.Tests.Tables;

public sealed class JsonPathExpressionTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"metadata":{"name":"a","labels":{"app.kubernetes.io/name":"x"}},
         "spec":{"replicas":3,"items":[{"name":"i0","n":1},{"name":"i1","n":5},{"name":"i2"}]},
         "status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True","reason":"Done"}]}}
        """)!;

    [Theory]
    [InlineData(".metadata.name", """["a"]""")]
    [InlineData("{.metadata.name}", """["a"]""")]
    [InlineData("$.spec.replicas", """[3]""")]
    [InlineData(".spec.items[0].name", """["i0"]""")]
    [InlineData(".spec.items[-1].name", """["i2"]""")]
    [InlineData(".spec.items[*].name", """["i0","i1","i2"]""")]
    [InlineData(".spec.items[0:2].name", """["i0","i1"]""")]
    [InlineData(".spec.items[*].n", """[1,5]""")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", """["True"]""")]
    [InlineData(".status.conditions[?(@.type=='Synced')].status", """["False"]""")]
    [InlineData(".status.conditions[?(@.type!=\"Ready\")].type", """["Synced"]""")]
    [InlineData(".status.conditions[?(@.reason)].type", """["Ready"]""")]
    [InlineData(".spec.items[?(@.n>2)].name", """["i1"]""")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", """["x"]""")]
    [InlineData(".metadata.labels.app\\.kubernetes\\.io/name", """["x"]""")]
    [InlineData("..name", """["a","i0","i1","i2"]""")]
    [InlineData(".metadata.*", """["a",{"app.kubernetes.io/name":"x"}]""")]
    // Missing keys select nothing instead of failing.
    [InlineData(".status.missing", "[]")]
    [InlineData(".spec.items[7].name", "[]")]
    [InlineData(".status.conditions[?(@.type==\"Gone\")].status", "[]")]
    [InlineData(".metadata.name.deeper", "[]")]
    public void Evaluate_SelectsValues_ForPath(string path, string expected)
    {
        var results = JsonPathExpression.Parse(path).Evaluate(Doc);

        Assert.Equal(expected, new JsonArray(results.Select(r => r?.DeepClone()).ToArray()).ToJsonString());
    }

    [Theory]
    [InlineData(".a[")]
    [InlineData(".a[x]")]
    [InlineData("a b")]
    [InlineData(".a[?(@.b==zz)]")]
    public void Parse_Throws_WhenPathIsMalformed(string path)
    {
        Assert.Throws<FormatException>(() => JsonPathExpression.Parse(path));
    }

    [Theory]
    [InlineData("\"text\"", "text")]
    [InlineData("5", "5")]
    [InlineData("true", "true")]
    [InlineData("""{"b":1,"a":[1,"x"]}""", """{"a":[1,"x"],"b":1}""")]
    public void Print_RendersLikeClientGo_ForValue(string json, string expected)
    {
        Assert.Equal(expected, JsonPathExpression.Print(JsonNode.Parse(json)));
    }
}
