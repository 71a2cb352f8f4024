using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class ValidationTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Create_DropsUnknownFieldsAndWarns_ForBuiltInsByDefault()
    {
        var ns = await fx.NamespaceAsync();

        var (code, body, response) = await Some.SendAsync(fx.Cluster, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"typo","bogusMeta":1},"dataa":{"k":"v"},"data":{"k":"v"}}""");

        Assert.Equal(201, code);
        Assert.Null(body!["dataa"]);
        Assert.Null(body["metadata"]!["bogusMeta"]);
        Assert.Equal("v", body["data"]!["k"]!.GetValue<string>());
        Assert.Contains("299 - \"unknown field \\\"dataa\\\"\"", response.Headers.GetValues("Warning"));
    }

    [Fact]
    public async Task Create_Returns400_ForBuiltInUnknownFieldWhenStrict()
    {
        var ns = await fx.NamespaceAsync();

        var (code, body, _) = await Some.SendAsync(fx.Cluster, HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"typo"},"dataa":{"k":"v"}}""");

        Assert.Equal(400, code);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"dataa\"", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_Returns400_WhenFieldHasWrongJsonType()
    {
        var ns = await fx.NamespaceAsync();

        var (code, body, _) = await Some.SendAsync(fx.Cluster, HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"x":true}}""");

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task EventCreate_Returns422_WhenInvolvedObjectIsInAnotherNamespace()
    {
        var ns = await fx.NamespaceAsync();
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "e" },
            InvolvedObject = new V1ObjectReference { Kind = "ConfigMap", Name = "x", NamespaceProperty = "default" },
            Type = "Normal",
        };

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedEventAsync(ev, ns));

        Assert.Equal(422, code);
        Assert.Contains("involvedObject.namespace: Invalid value: \"default\": does not match event.namespace", status!.Message);
    }

    [Fact]
    public async Task EventsApiCreate_Returns422_WhenReportingFieldsAreMissing()
    {
        var ns = await fx.NamespaceAsync();

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event { Metadata = new V1ObjectMeta { Name = "e" }, Type = "Normal" }, ns));

        Assert.Equal(422, code);
        Assert.Contains("eventTime: Required value", status!.Message);
        Assert.Contains("reportingController: Required value", status.Message);
    }

    [Fact]
    public async Task SecretCreate_Returns400_WhenDataIsNotBase64()
    {
        var ns = await fx.NamespaceAsync();

        var (code, body, _) = await Some.SendAsync(fx.Cluster, HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"not base64!"}}""");

        Assert.Equal(400, code);
        Assert.Equal("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_Returns422_WhenOwnerReferenceLacksUidOrHasTwoControllers()
    {
        var ns = await fx.NamespaceAsync();
        var noUid = Some.ConfigMap("o1");
        noUid.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "x", Uid = "" }];
        var twoControllers = Some.ConfigMap("o2");
        twoControllers.Metadata.OwnerReferences =
        [
            new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "a", Uid = "1", Controller = true },
            new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "b", Uid = "2", Controller = true },
        ];

        var (code1, status1, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(noUid, ns));
        var (code2, status2, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(twoControllers, ns));

        Assert.Equal(422, code1);
        Assert.Contains("metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty", status1!.Message);
        Assert.Equal(422, code2);
        Assert.Contains("Only one reference can have Controller set to true", status2!.Message);
    }

    [Fact]
    public async Task Create_Returns422_WhenFinalizerIsNotAQualifiedName()
    {
        var ns = await fx.NamespaceAsync();
        var cm = Some.ConfigMap("f");
        cm.Metadata.Finalizers = ["example.com/ok", "not valid!"];

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns));

        Assert.Equal(422, code);
        Assert.Contains("metadata.finalizers[1]: Invalid value: \"not valid!\"", status!.Message);
    }

    [Fact]
    public async Task Create_Returns422_WhenConfigMapDataExceedsOneMebibyte()
    {
        var ns = await fx.NamespaceAsync();
        var big = Some.ConfigMap("big", new Dictionary<string, string> { ["blob"] = new string('x', 1024 * 1024 + 1) });

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(big, ns));

        Assert.Equal(422, code);
        Assert.Contains("Too long", status!.Message);
    }
}
