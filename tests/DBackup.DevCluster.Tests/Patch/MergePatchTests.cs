using System.Text;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Patch;
using static DBackup.DevCluster.Tests.Patch.PatchTestSupport;

namespace DBackup.DevCluster.Tests.Patch;

public sealed class MergePatchTests
{
    [Theory]
    // RFC 7386 appendix A examples.
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    // Kubernetes-shaped: lists are replaced wholesale, nested maps merge.
    [InlineData("""{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"items":[1,2,3]}}""", """{"metadata":{"labels":{"b":null,"c":"3"}},"spec":{"items":[4]}}""",
        """{"metadata":{"labels":{"a":"1","c":"3"}},"spec":{"items":[4]}}""")]
    // evanphx v4 details: values placed where no object was get nested nulls pruned (inside arrays
    // too); a value replacing an object is taken as is; an existing null counts as missing.
    [InlineData("""{"a":[1]}""", """{"a":[{"x":null,"y":1},null]}""", """{"a":[{"y":1},null]}""")]
    [InlineData("""{"a":{"b":1}}""", """{"a":[{"x":null}]}""", """{"a":[{"x":null}]}""")]
    [InlineData("""{"a":null}""", """{"a":{"b":null,"c":1}}""", """{"a":{"c":1}}""")]
    public void Apply_FollowsRfc7386_ForMergePatch(string original, string patch, string expected)
    {
        Assert.Equal(Json(expected), Apply(original, PatchApplier.MergePatch, patch));
    }

    [Fact]
    public void Apply_IgnoresContentTypeParameters_WhenCharsetIsGiven()
    {
        Assert.Equal("""{"a":2}""", Apply("""{"a":1}""", "application/merge-patch+json; charset=utf-8", """{"a":2}"""));
    }

    [Fact]
    public void Apply_DoesNotModifyOriginal_WhenPatching()
    {
        var original = JsonNode.Parse("""{"a":{"b":1}}""")!.AsObject();

        PatchApplier.Apply(original, PatchApplier.MergePatch, Encoding.UTF8.GetBytes("""{"a":{"b":2}}"""), null);

        Assert.Equal("""{"a":{"b":1}}""", original.ToJsonString());
    }

    [Fact]
    public void Apply_Throws400_WhenBodyIsNotJson()
    {
        var e = Assert.Throws<PatchException>(() => Apply("{}", PatchApplier.MergePatch, "{nope"));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal("BadRequest", e.Reason);
        Assert.StartsWith("error decoding patch:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_Throws400_WhenMergePatchIsNull()
    {
        var e = Assert.Throws<PatchException>(() => Apply("{}", PatchApplier.MergePatch, "null"));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal("Invalid JSON Patch", e.Message);
    }

    [Fact]
    public void Apply_Throws400_WhenMergePatchIsNotAnObject()
    {
        var e = Assert.Throws<PatchException>(() => Apply("{}", PatchApplier.MergePatch, "[1]"));

        Assert.Equal(400, e.StatusCode);
    }

    [Theory]
    [InlineData("application/apply-patch+yaml", true)]
    [InlineData("text/plain", true)]
    [InlineData("application/strategic-merge-patch+json", false)]
    public void Apply_Throws415WithAcceptedTypes_WhenPatchTypeIsUnsupported(string contentType, bool builtIn)
    {
        var keys = builtIn ? StrategicMergeKeys.ForBuiltIn("", "ConfigMap") : null;

        var e = Assert.Throws<PatchException>(() => Apply("{}", contentType, "{}", keys));

        Assert.Equal(415, e.StatusCode);
        Assert.Equal("UnsupportedMediaType", e.Reason);
        var accepted = builtIn
            ? "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
            : "application/json-patch+json, application/merge-patch+json";
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: " + accepted, e.Message);
    }
}
