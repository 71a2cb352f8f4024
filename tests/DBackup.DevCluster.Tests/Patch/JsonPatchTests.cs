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
    // Negative indices count from the end (v4 SupportNegativeIndices).
    [InlineData("""[{"op":"remove","path":"/spec/list/-1"}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2],"a/b":"slash","m~n":"tilde"}}""")]
    // v4 quirks the apiserver inherits: replace adds a missing key, test of a missing key against null passes.
    [InlineData("""[{"op":"replace","path":"/metadata/labels/new","value":"n"}]""", """{"metadata":{"labels":{"a":"1","new":"n"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde"}}""")]
    [InlineData("""[{"op":"test","path":"/metadata/nope","value":null}]""", Doc)]
    // A missing value is null.
    [InlineData("""[{"op":"add","path":"/spec/n"}]""", """{"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2,3],"a/b":"slash","m~n":"tilde","n":null}}""")]
    public void Apply_FollowsRfc6902_ForJsonPatch(string patch, string expected)
    {
        Assert.Equal(Json(expected), Apply(Doc, PatchApplier.JsonPatch, patch));
    }

    [Theory]
    // Messages are evanphx/json-patch v4's, which kube-apiserver returns verbatim.
    [InlineData("""[{"op":"test","path":"/metadata/labels/a","value":"2"}]""", "testing value /metadata/labels/a failed: test failed")]
    [InlineData("""[{"op":"test","path":"/nope","value":1}]""", "testing value /nope failed: test failed")]
    [InlineData("""[{"op":"test","path":"/nope/deeper","value":1}]""", "test operation does not apply: is missing path: /nope/deeper: missing value")]
    [InlineData("""[{"op":"test","path":"/spec/list/9","value":1}]""", "error in test for path: '/spec/list/9': Unable to access invalid index: 9: invalid index referenced")]
    [InlineData("""[{"op":"remove","path":"/nope"}]""", "error in remove for path: '/nope': Unable to remove nonexistent key: nope: missing value")]
    [InlineData("""[{"op":"remove","path":"/a/b"}]""", "remove operation does not apply: doc is missing path: \"/a/b\": missing value")]
    [InlineData("""[{"op":"remove","path":"/spec/list/x"}]""", "error in remove for path: '/spec/list/x': strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("""[{"op":"replace","path":"/a/b","value":1}]""", "replace operation does not apply: doc is missing path: /a/b: missing value")]
    [InlineData("""[{"op":"replace","path":"/spec/list/3","value":1}]""", "replace operation does not apply: doc is missing key: /spec/list/3: missing value")]
    [InlineData("""[{"op":"add","path":"/a/b/c","value":1}]""", "add operation does not apply: doc is missing path: \"/a/b/c\": missing value")]
    [InlineData("""[{"op":"add","path":"/spec/list/7","value":1}]""", "error in add for path: '/spec/list/7': Unable to access invalid index: 7: invalid index referenced")]
    [InlineData("""[{"op":"add","path":"/spec/list/x","value":1}]""", "error in add for path: '/spec/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("""[{"op":"move","from":"/nope","path":"/x"}]""", "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value")]
    [InlineData("""[{"op":"move","from":"/spec/a~1b","path":"/q/r"}]""", "move operation does not apply: doc is missing destination path: /q/r: missing value")]
    [InlineData("""[{"op":"copy","from":"/x/y","path":"/x"}]""", "copy operation does not apply: doc is missing from path: /x/y: missing value")]
    [InlineData("""[{"op":"frobnicate","path":"/x"}]""", "Unexpected kind: frobnicate")]
    [InlineData("""[{"path":"/x"}]""", "Unexpected kind: unknown")]
    [InlineData("""[{"op":"add","value":1}]""", "add operation failed to decode path: missing value")]
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
    [InlineData("""{"op":"add"}""", "json: cannot unmarshal object into Go value of type jsonpatch.Patch")]
    [InlineData("""[1]""", "json: cannot unmarshal number into Go value of type jsonpatch.Operation")]
    public void Apply_Throws400_WhenPatchIsNotAListOfOperations(string patch, string message)
    {
        var e = Assert.Throws<PatchException>(() => Apply(Doc, PatchApplier.JsonPatch, patch));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Apply_Throws413_WhenPatchHasMoreThan10000Operations()
    {
        var ops = string.Join(",", Enumerable.Repeat("""{"op":"test","path":"/spec","value":null}""", 10001));

        var e = Assert.Throws<PatchException>(() => Apply(Doc, PatchApplier.JsonPatch, "[" + ops + "]"));

        Assert.Equal(413, e.StatusCode);
        Assert.Equal("RequestEntityTooLarge", e.Reason);
        Assert.Equal("The allowed maximum operations in a JSON patch is 10000, got 10001", e.Message);
    }

    [Fact]
    public void Apply_Throws400_WhenResultIsNotAnObject()
    {
        var e = Assert.Throws<PatchException>(() => Apply(Doc, PatchApplier.JsonPatch, """[{"op":"replace","path":"","value":[1]}]"""));

        Assert.Equal(400, e.StatusCode);
    }
}
