using DBackup.DevCluster.Patch;
using static DBackup.DevCluster.Tests.Patch.PatchTestSupport;

namespace DBackup.DevCluster.Tests.Patch;

public sealed class StrategicMergePatchTests
{
    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","finalizers":["a","b"],
          "ownerReferences":[{"uid":"u1","name":"one"},{"uid":"u2","name":"two"}]},
         "spec":{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
          "template":{"metadata":{"labels":{"app":"d"}},"spec":{
           "containers":[
             {"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
              "ports":[{"containerPort":80,"name":"http"}],"volumeMounts":[{"mountPath":"/data","name":"data"}],
              "args":["--x","--y"]},
             {"name":"sidecar","image":"side:1"}],
           "volumes":[{"name":"data","emptyDir":{}}],
           "tolerations":[{"key":"k1"},{"key":"k2"}]}}}}
        """;

    private static readonly StrategicMergeKeys DeploymentKeys = StrategicMergeKeys.ForBuiltIn("apps", "Deployment")!;

    [Theory]
    // Containers merge by name; an unknown name appends.
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}}""",
        "spec.template.spec.containers", """[{"name":"app","image":"app:2","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80,"name":"http"}],"volumeMounts":[{"mountPath":"/data","name":"data"}],"args":["--x","--y"]},{"name":"sidecar","image":"side:1"}]""")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"third","image":"t:1"}]}}}}""",
        "spec.template.spec.containers[*].name", """["app","sidecar","third"]""")]
    // env merges by name, ports by containerPort, volumeMounts by mountPath.
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"x"},{"name":"C","value":"3"}]}]}}}}""",
        "spec.template.spec.containers[0].env", """[{"name":"A","value":"1"},{"name":"B","value":"x"},{"name":"C","value":"3"}]""")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":81}]}]}}}}""",
        "spec.template.spec.containers[0].ports", """[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":81}]""")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app","volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}}}}""",
        "spec.template.spec.containers[0].volumeMounts", """[{"mountPath":"/data","name":"data","readOnly":true}]""")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"merge","image":"side:2"}]}}}}""",
        "spec.template.spec.containers[1]", """{"name":"sidecar","image":"side:2"}""")]
    // Lists without a strategy (args, tolerations) are replaced.
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app","args":["--z"]}]}}}}""",
        "spec.template.spec.containers[0].args", """["--z"]""")]
    [InlineData("""{"spec":{"template":{"spec":{"tolerations":[{"key":"k3"}]}}}}""",
        "spec.template.spec.tolerations", """[{"key":"k3"}]""")]
    // $patch: delete removes one keyed item; $patch: replace replaces the whole list.
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""",
        "spec.template.spec.containers[*].name", """["app"]""")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"o:1"},{"$patch":"replace"}]}}}}""",
        "spec.template.spec.containers", """[{"name":"only","image":"o:1"}]""")]
    // Maps merge, null deletes, $patch: replace/delete on maps.
    [InlineData("""{"spec":{"template":{"metadata":{"labels":{"tier":"web"}}}}}""", "spec.template.metadata.labels", """{"app":"d","tier":"web"}""")]
    [InlineData("""{"spec":{"template":{"metadata":{"labels":{"app":null}}}}}""", "spec.template.metadata.labels", """{}""")]
    [InlineData("""{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}""", "spec.strategy", """{"type":"Recreate"}""")]
    // Go's handleDirectiveInMergeMap turns "$patch: delete" on a map into an empty map.
    [InlineData("""{"spec":{"strategy":{"$patch":"delete"}}}""", "spec.strategy", "{}")]
    // A new map carrying a directive is dropped (removeDirectives); nulls in new values are discarded.
    [InlineData("""{"spec":{"paused":{"$patch":"replace","a":1}}}""", "spec.paused", "<missing>")]
    [InlineData("""{"spec":{"newField":{"a":null,"b":1}}}""", "spec.newField", """{"b":1}""")]
    // $retainKeys keeps only the listed keys (what kubectl apply sends for strategy/volumes).
    [InlineData("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""", "spec.strategy", """{"type":"Recreate"}""")]
    // ObjectMeta: finalizers merge as a set, ownerReferences by uid.
    [InlineData("""{"metadata":{"finalizers":["b","c"]}}""", "metadata.finalizers", """["a","b","c"]""")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""", "metadata.finalizers", """["b"]""")]
    [InlineData("""{"metadata":{"ownerReferences":[{"uid":"u2","name":"renamed"},{"uid":"u3","name":"three"}]}}""",
        "metadata.ownerReferences", """[{"uid":"u1","name":"one"},{"uid":"u2","name":"renamed"},{"uid":"u3","name":"three"}]""")]
    // $setElementOrder reorders keyed items.
    [InlineData("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"app:3"}]}}}}""",
        "spec.template.spec.containers[*].name", """["sidecar","app"]""")]
    // Items the order list does not name keep their place relative to the original list (Go's mergeSortedSlice).
    [InlineData("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"new"},{"name":"app"}],"containers":[{"name":"new","image":"n:1"}]}}}}""",
        "spec.template.spec.containers[*].name", """["new","app","sidecar"]""")]
    [InlineData("""{"metadata":{"$setElementOrder/finalizers":["c","a"],"finalizers":["c"]}}""", "metadata.finalizers", """["c","a","b"]""")]
    public void Apply_MergesLikeStrategicPatch_ForDeployment(string patch, string path, string expected)
    {
        var result = System.Text.Json.Nodes.JsonNode.Parse(Apply(Deployment, PatchApplier.StrategicMergePatch, patch, DeploymentKeys))!;

        Assert.Equal(expected == "<missing>" ? expected : Json(expected), Select(result, path));
    }

    [Theory]
    [InlineData("", "ConfigMap", """{"data":{"a":"1","b":"2"}}""", """{"data":{"b":null,"c":"3"}}""", """{"data":{"a":"1","c":"3"}}""")]
    [InlineData("", "Secret", """{"data":{"a":"MQ=="}}""", """{"stringData":{"b":"2"}}""", """{"data":{"a":"MQ=="},"stringData":{"b":"2"}}""")]
    [InlineData("", "Service", """{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}]}}""", """{"spec":{"ports":[{"port":80,"targetPort":9090}]}}""",
        """{"spec":{"ports":[{"port":80,"targetPort":9090},{"port":443}]}}""")]
    [InlineData("", "ServiceAccount", """{"secrets":[{"name":"a"}],"imagePullSecrets":[{"name":"p"}]}""", """{"secrets":[{"name":"b"}],"imagePullSecrets":[{"name":"q"}]}""",
        """{"secrets":[{"name":"a"},{"name":"b"}],"imagePullSecrets":[{"name":"q"}]}""")]
    [InlineData("rbac.authorization.k8s.io", "Role", """{"rules":[{"verbs":["get"]},{"verbs":["list"]}]}""", """{"rules":[{"verbs":["watch"]}]}""", """{"rules":[{"verbs":["watch"]}]}""")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole", """{"rules":[{"verbs":["get"]}]}""", """{"rules":[]}""", """{"rules":[]}""")]
    [InlineData("", "Pod", """{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Scheduled","status":"True"}]}}""",
        """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", """{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Scheduled","status":"True"}]}}""")]
    [InlineData("batch", "CronJob", """{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"1"}]}}}}}}""",
        """{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"2"}]}}}}}}""",
        """{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}}}}}""")]
    public void Apply_UsesBuiltInPatchTags_ForKind(string group, string kind, string original, string patch, string expected)
    {
        var keys = StrategicMergeKeys.ForBuiltIn(group, kind);

        Assert.Equal(Json(expected), Apply(original, PatchApplier.StrategicMergePatch, patch, keys));
    }

    [Theory]
    // strategicpatch's own errors are not Status errors: the apiserver answers 500 with reason Unknown.
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""", 500, "map: map[image:x] does not contain declared merge key: name")]
    [InlineData("""{"spec":{"strategy":{"$patch":"explode"}}}""", 500, "unknown patch type: explode in map: map[$patch:explode]")]
    [InlineData("""{"spec":{"strategy":{"$patch":"merge"}}}""", 500, "unknown patch type: merge in map: map[$patch:merge]")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app","$patch":"nope"}]}}}}""", 500, "unknown patch type: nope in map: map[$patch:nope name:app]")]
    // The mergepatch format errors the apiserver maps to 400.
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}""", 400, "invalid patch format of primitive list")]
    [InlineData("""{"spec":{"template":{"spec":{"$setElementOrder/containers":"app"}}}}""", 400, "invalid patch format of setElementOrder list")]
    [InlineData("""{"spec":{"strategy":{"$retainKeys":"type"}}}""", 400, "invalid patch format of retainKeys")]
    [InlineData("""{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":2}}}}""", 400, "invalid patch format of retainKeys")]
    public void Apply_FailsLikeTheApiserver_WhenStrategicPatchIsMalformed(string patch, int code, string message)
    {
        var e = Assert.Throws<PatchException>(() => Apply(Deployment, PatchApplier.StrategicMergePatch, patch, DeploymentKeys));

        Assert.Equal((code, message), (e.StatusCode, e.Message));
        Assert.Equal(code == 500 ? "" : "BadRequest", e.Reason);
    }

    [Theory]
    [InlineData("", "ConfigMap", true)]
    [InlineData("apps", "Deployment", true)]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition", true)]
    [InlineData("dbackup.io", "BackupPolicy", false)]
    [InlineData("example.com", "Thing", false)]
    public void ForBuiltIn_ReturnsKeysOnlyForBuiltInGroups(string group, string kind, bool expected)
    {
        Assert.Equal(expected, StrategicMergeKeys.ForBuiltIn(group, kind) is not null);
    }

    [Fact]
    public void ForBuiltIn_DeclaresFinalizersAsPrimitiveSet_ForEveryKind()
    {
        var keys = StrategicMergeKeys.ForBuiltIn("", "ConfigMap")!;

        Assert.Equal(new ListMergeStrategy(null), keys.ForList("metadata.finalizers"));
        Assert.Equal("uid", keys.ForList("metadata.ownerReferences")!.MergeKey);
        Assert.Null(keys.ForList("data"));
    }

    private static string Select(System.Text.Json.Nodes.JsonNode root, string path)
    {
        var values = DBackup.DevCluster.Tables.JsonPathExpression.Parse("." + path).Evaluate(root);
        if (path.Contains("[*]", StringComparison.Ordinal))
        {
            return new System.Text.Json.Nodes.JsonArray(values.Select(v => v?.DeepClone()).ToArray()).ToJsonString();
        }

        return values.Count == 0 ? "<missing>" : values[0]!.ToJsonString();
    }
}
