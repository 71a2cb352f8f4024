using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class ProtobufRequestTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    // Captured from `kubectl create configmap pbtest --from-literal=a=b -n demo` (kubectl 1.32 sends protobuf).
    private const string KubectlCreateConfigMap =
        "6b387300 0a0f0a02 76311209 436f6e66 69674d61 7012240a 1a0a0670 62746573 7412001a 0464656d 6f22002a 00320038 00420012 060a0161 1201621a 002200";

    private static ByteArrayContent Protobuf(string hex)
    {
        var content = new ByteArrayContent(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        return content;
    }

    [Fact]
    public async Task Create_DecodesKubectlProtobufBody_ForConfigMaps()
    {
        await fx.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "demo" } });
        using var http = new HttpClient { BaseAddress = fx.Cluster.Url };

        using var response = await http.PostAsync("/api/v1/namespaces/demo/configmaps?fieldManager=kubectl-create&fieldValidation=Strict", Protobuf(KubectlCreateConfigMap));

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var stored = await fx.Client.CoreV1.ReadNamespacedConfigMapAsync("pbtest", "demo");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "b" }, stored.Data);
        Assert.Null(stored.Metadata.GenerateName);
    }

    [Fact]
    public async Task Create_Returns415_ForProtobufOfUnmodelledKind()
    {
        var ns = await fx.NamespaceAsync();
        // Same envelope with kind "Pod" in apiVersion v1 and an empty raw object.
        var hex = "6b387300 0a090a02 76311203 506f6412 00";
        using var http = new HttpClient { BaseAddress = fx.Cluster.Url };

        using var response = await http.PostAsync($"/api/v1/namespaces/{ns}/configmaps", Protobuf(hex));

        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
