using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class PatchTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private static V1Deployment Deployment(string name, params V1Container[] containers)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = new V1PodSpec { Containers = containers } },
            },
        };
    }

    [Fact]
    public async Task MergePatch_SetsAndRemovesKeys()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("m", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }), ns);

        var patched = await fx.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"a":null,"c":"3"}}""", V1Patch.PatchType.MergePatch), "m", ns);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }, patched.Data);
    }

    [Fact]
    public async Task JsonPatch_AppliesOperations_AndFailsTestOperationWith422()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("j", new Dictionary<string, string> { ["a"] = "1" }), ns);

        var patched = await fx.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""[{"op":"replace","path":"/data/a","value":"9"},{"op":"add","path":"/data/b","value":"2"}]""", V1Patch.PatchType.JsonPatch), "j", ns);
        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""[{"op":"test","path":"/data/a","value":"nope"}]""", V1Patch.PatchType.JsonPatch), "j", ns));

        Assert.Equal("9", patched.Data["a"]);
        Assert.Equal("2", patched.Data["b"]);
        Assert.Equal(422, code);
    }

    [Fact]
    public async Task StrategicMergePatch_MergesContainersByName_ForDeployments()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("s", new V1Container { Name = "app", Image = "app:1" }, new V1Container { Name = "side", Image = "side:1" }), ns);

        var patched = await fx.Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "s", ns);

        var containers = patched.Spec.Template.Spec.Containers;
        Assert.Equal(["app", "side"], containers.Select(c => c.Name));
        Assert.Equal("app:2", containers[0].Image);
        Assert.Equal(2, patched.Metadata.Generation);
    }

    [Fact]
    public async Task StrategicMergePatch_Returns415_ForCustomResources()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"size":3}}""", V1Patch.PatchType.StrategicMergePatch), group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", status!.Reason);
    }

    [Fact]
    public async Task MergePatch_OnCustomResource_IsValidatedAndBumpsGeneration()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));

        var patched = Crds.ToNode(await fx.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"size":5}}""", V1Patch.PatchType.MergePatch), group, Crds.Version, ns, "widgets", "w"));
        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"size":50}}""", V1Patch.PatchType.MergePatch), group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal(5, patched["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(2, patched["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(422, code);
    }

    [Fact]
    public async Task Patch_Returns404_WhenObjectIsMissing()
    {
        var ns = await fx.NamespaceAsync();

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{}", V1Patch.PatchType.MergePatch), "missing", ns));

        Assert.Equal(404, code);
        Assert.Equal("configmaps \"missing\" not found", status!.Message);
    }

    [Fact]
    public async Task Patch_AddsFinalizerWithMergePatch_LikeTheOperatorDoes()
    {
        var ns = await fx.NamespaceAsync();
        var cm = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("f"), ns);
        var body = new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray("dbackup.io/cleanup"), ["resourceVersion"] = cm.Metadata.ResourceVersion } };

        var patched = await fx.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch), "f", ns);

        Assert.Equal(["dbackup.io/cleanup"], patched.Metadata.Finalizers);
    }

    [Fact]
    public async Task ServerSideApply_Returns415_EvenWhenObjectIsMissing()
    {
        var ns = await fx.NamespaceAsync();

        var (code, body, _) = await Some.SendAsync(fx.Cluster, HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/absent?fieldManager=test",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: absent\n", "application/apply-patch+yaml");

        Assert.Equal(415, code);
        Assert.Equal("UnsupportedMediaType", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScaleSubresource_ReadsAndWritesDeploymentReplicas()
    {
        var ns = await fx.NamespaceAsync();
        var created = await fx.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", new V1Container { Name = "c", Image = "i" }), ns);

        var scale = await fx.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", ns);
        var initialReplicas = scale.Spec.Replicas;
        var patched = await fx.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", ns);
        var deployment = await fx.Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        scale.Spec.Replicas = 5;
        var (code, _, _) = await Some.FailureAsync(() => fx.Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", ns));

        Assert.Equal(1, initialReplicas);
        Assert.Equal("app=web", scale.Status.Selector);
        Assert.Equal(created.Metadata.ResourceVersion, scale.Metadata.ResourceVersion);
        Assert.Equal(3, patched.Spec.Replicas);
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal(2, deployment.Metadata.Generation);
        Assert.Equal(409, code);
    }
}
