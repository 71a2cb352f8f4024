using DBackup.DevCluster.Patch;
using static DBackup.DevCluster.Tests.Patch.PatchTestSupport;

namespace DBackup.DevCluster.Tests.Patch;

public sealed class JsonPatchTests
{
    private const string Doc = """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde"}}""";

    [Theory]
    // add: object member, array insert, append with "-", replace existing member.
    [InlineData("""[{"op":"add","path":"/metadata/labels/b","value":"2"}]""", """{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde"}}""")]
    [InlineData("""[{"op":"add","path":"/spec/list/1","value":9}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,9,2,3],"a/b":"slash","m~n":"tilde"}}""")]
    [InlineData("""[{"op":"add","path":"/spec/list/-","value":4}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2,3,4],"a/b":"slash","m~n":"tilde"}}""")]
    [InlineData("""[{"op":"add","path":"/metadata/labels/a","value":"x"}]""", """{"metadata":{"labels":{"a":"x"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde"}}""")]
    // remove and replace, with ~1 and ~0 escapes.
    [InlineData("""[{"op":"remove","path":"/spec/a~1b"}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2,3],"m~n":"tilde"}}""")]
    [InlineData("""[{"op":"replace","path":"/spec/m~0n","value":"T"}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"T"}}""")]
    [InlineData("""[{"op":"remove","path":"/spec/list/0"}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[2,3],"a/b":"slash","m~n":"tilde"}}""")]
    // move and copy.
    [InlineData("""[{"op":"move","from":"/metadata/labels/a","path":"/metadata/labels/z"}]""", """{"metadata":{"labels":{"z":"1"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde"}}""")]
    [InlineData("""[{"op":"copy","from":"/spec/list","path":"/spec/copy"}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde","copy":[1,2,3]}}""")]
    // test then act; several operations in order.
    [InlineData("""[{"op":"test","path":"/metadata/labels/a","value":"1"},{"op":"remove","path":"/metadata/labels"}]""", """{"metadata":{},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde"}}""")]
    [InlineData("""[{"op":"test","path":"/spec/list","value":[1,2,3]}]""", Doc)]
    public void Apply_FollowsRfc6902_ForJsonPatch(string patch, string expected)
    {
        Assert.Equal(Json(expected), Apply(Doc, PatchApplier.JsonPatch, patch));
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/metadata/labels/a","value":"2"}]""", "testing value /metadata/labels/a failed: test failed")]
    [InlineData("""[{"op":"test","path":"/nope","value":null}]""", "testing value /nope failed: test failed")]
    [InlineData("""[{"op":"remove","path":"/nope"}]""", "remove operation does not apply: doc is missing path: \"/nope\": missing value")]
    [InlineData("""[{"op":"replace","path":"/nope","value":1}]""", "replace operation does not apply: doc is missing key: /nope")]
    [InlineData("""[{"op":"add","path":"/a/b/c","value":1}]""", "add operation does not apply: doc is missing path: \"/a/b/c\": missing value")]
    [InlineData("""[{"op":"add","path":"/spec/list/7","value":1}]""", "add operation does not apply: index out of bounds: /spec/list/7")]
    [InlineData("""[{"op":"copy","from":"/nope","path":"/x"}]""", "copy operation does not apply: doc is missing from path: /nope")]
    [InlineData("""[{"op":"frobnicate","path":"/x"}]""", "Unexpected kind: frobnicate")]
    [InlineData("""[{"op":"add","path":"/x"}]""", "add operation missing value")]
    public void Apply_Throws422_WhenOperationDoesNotApply(string patch, string message)
    {
        var e = Assert.Throws<PatchException>(() => Apply(Doc, PatchApplier.JsonPatch, patch));

        Assert.Equal(422, e.StatusCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Apply_LeavesNoPartialChanges_WhenALaterOperationFails()
    {
        var original = System.Text.Json.Nodes.JsonNode.Parse(Doc)!.AsObject();
        var patch = """[{"op":"add","path":"/x","value":1},{"op":"test","path":"/x","value":2}]"""u8.ToArray();

        Assert.Throws<PatchException>(() => PatchApplier.Apply(original, PatchApplier.JsonPatch, patch, null));

        Assert.Equal(Json(Doc), original.ToJsonString());
    }

    [Theory]
    [InlineData("""{"op":"add"}""")]
    [InlineData("""[1]""")]
    public void Apply_Throws400_WhenPatchIsNotAListOfOperations(string patch)
    {
        var e = Assert.Throws<PatchException>(() => Apply(Doc, PatchApplier.JsonPatch, patch));

        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void Apply_Throws400_WhenResultIsNotAnObject()
    {
        var e = Assert.Throws<PatchException>(() => Apply(Doc, PatchApplier.JsonPatch, """[{"op":"replace","path":"","value":[1]}]"""));

        Assert.Equal(400, e.StatusCode);
    }
}
