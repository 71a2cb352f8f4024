using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class ObjectSemanticsTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Create_SetsUidTimestampAndIncreasingResourceVersion_WhenObjectsAreCreated()
    {
        var ns = await fx.NamespaceAsync();
        var a = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("a"), ns);
        var b = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("b"), ns);

        Assert.False(string.IsNullOrEmpty(a.Metadata.Uid));
        Assert.NotEqual(a.Metadata.Uid, b.Metadata.Uid);
        Assert.NotNull(a.Metadata.CreationTimestamp);
        Assert.True(long.Parse(b.Metadata.ResourceVersion) > long.Parse(a.Metadata.ResourceVersion));
        Assert.Equal(ns, a.Metadata.NamespaceProperty);
        Assert.Null(a.Metadata.Generation);
    }

    [Fact]
    public async Task Create_Returns409AlreadyExists_WhenNameIsTaken()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("dup"), ns);

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("dup"), ns));

        Assert.Equal(409, code);
        Assert.Equal("AlreadyExists", status!.Reason);
        Assert.Equal("configmaps \"dup\" already exists", status.Message);
        Assert.Equal("dup", status.Details.Name);
        Assert.Equal("configmaps", status.Details.Kind);
    }

    [Fact]
    public async Task Get_Returns404WithStatus_WhenObjectIsMissing()
    {
        var ns = await fx.NamespaceAsync();

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ReadNamespacedConfigMapAsync("nope", ns));

        Assert.Equal(404, code);
        Assert.Equal("NotFound", status!.Reason);
        Assert.Equal("configmaps \"nope\" not found", status.Message);
        Assert.Equal("Failure", status.Status);
    }

    [Fact]
    public async Task Create_Returns422NamingTheField_WhenNameIsInvalid()
    {
        var ns = await fx.NamespaceAsync();

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("Bad_Name"), ns));

        Assert.Equal(422, code);
        Assert.Equal("Invalid", status!.Reason);
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", status.Message);
        Assert.Equal("metadata.name", Assert.Single(status.Details.Causes).Field);
        Assert.Equal("ConfigMap", status.Details.Kind);
    }

    [Fact]
    public async Task Create_Returns404ForNamespace_WhenNamespaceDoesNotExist()
    {
        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("x"), "no-such-ns"));

        Assert.Equal(404, code);
        Assert.Equal("namespaces \"no-such-ns\" not found", status!.Message);
    }

    [Fact]
    public async Task Create_Returns400_WhenBodyNamespaceDiffersFromUrl()
    {
        var ns = await fx.NamespaceAsync();
        var cm = Some.ConfigMap("x");
        cm.Metadata.NamespaceProperty = "default";

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns));

        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status!.Reason);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", status.Message);
    }

    [Fact]
    public async Task Create_GeneratesName_WhenOnlyGenerateNameIsSet()
    {
        var ns = await fx.NamespaceAsync();
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } };

        var a = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);
        var b = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns);

        Assert.Matches("^gen-[a-z0-9]{5}$", a.Metadata.Name);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    }

    [Fact]
    public async Task Create_Returns422Required_WhenNoNameAndNoGenerateName()
    {
        var ns = await fx.NamespaceAsync();

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta() }, ns));

        Assert.Equal(422, code);
        Assert.Contains("metadata.name: Required value: name or generateName is required", status!.Message);
    }

    [Fact]
    public async Task Update_KeepsCreationTimestamp_WhenClientSendsAnotherValue()
    {
        var ns = await fx.NamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("sys"), ns);
        var original = created.Metadata.CreationTimestamp;
        created.Metadata.CreationTimestamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        created.Data["k"] = "changed";

        var updated = await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "sys", ns);

        Assert.Equal(original, updated.Metadata.CreationTimestamp);
        Assert.Equal("changed", updated.Data["k"]);
    }

    [Fact]
    public async Task Update_Returns409_WhenBodyUidDiffers()
    {
        var ns = await fx.NamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("uid"), ns);
        var realUid = created.Metadata.Uid;
        created.Metadata.Uid = "00000000-0000-0000-0000-000000000001";

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "uid", ns));

        Assert.Equal(409, code);
        Assert.Equal($"Operation cannot be fulfilled on configmaps \"uid\": Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000001, UID in object meta: {realUid}", status!.Message);
    }

    [Fact]
    public async Task Create_Returns500_WhenResourceVersionIsSet()
    {
        var ns = await fx.NamespaceAsync();
        var cm = Some.ConfigMap("rv");
        cm.Metadata.ResourceVersion = "12";

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.CreateNamespacedConfigMapAsync(cm, ns));

        Assert.Equal(500, code);
        Assert.Equal("Internal error occurred: resourceVersion should not be set on objects to be created", status!.Message);
    }

    [Fact]
    public async Task Update_DoesNotBumpResourceVersion_WhenNothingChanged()
    {
        var ns = await fx.NamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("same"), ns);

        var updated = await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "same", ns);

        Assert.Equal(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Secret_FoldsStringDataIntoDataAndDefaultsType_WhenCreated()
    {
        var ns = await fx.NamespaceAsync();
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["user"] = "admin" } };

        var created = await fx.Client.CoreV1.CreateNamespacedSecretAsync(secret, ns);

        Assert.Equal("Opaque", created.Type);
        Assert.Null(created.StringData);
        Assert.Equal("admin", System.Text.Encoding.UTF8.GetString(created.Data["user"]));
    }

    [Fact]
    public async Task Secret_Returns422_WhenImmutableDataChangesOrTypeChanges()
    {
        var ns = await fx.NamespaceAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "imm" },
            Immutable = true,
            Data = new Dictionary<string, byte[]> { ["a"] = [1] },
        }, ns);
        created.Data["a"] = [2];

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ReplaceNamespacedSecretAsync(created, "imm", ns));

        Assert.Equal(422, code);
        Assert.Contains("data: Forbidden: field is immutable when `immutable` is set", status!.Message);
        var fresh = await fx.Client.CoreV1.ReadNamespacedSecretAsync("imm", ns);
        fresh.Type = "kubernetes.io/tls";
        var (code2, status2, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ReplaceNamespacedSecretAsync(fresh, "imm", ns));
        Assert.Equal(422, code2);
        Assert.Contains("type: Invalid value: \"kubernetes.io/tls\": field is immutable", status2!.Message);
    }

    [Fact]
    public async Task Service_GetsClusterIpThatCannotChange_WhenCreated()
    {
        var ns = await fx.NamespaceAsync();
        var svc = await fx.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] },
        }, ns);

        Assert.Matches(@"^10\.96\.\d+\.\d+$", svc.Spec.ClusterIP);
        svc.Spec.ClusterIP = "10.96.200.200";
        svc.Spec.ClusterIPs = ["10.96.200.200"];
        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ReplaceNamespacedServiceAsync(svc, "web", ns));
        Assert.Equal(422, code);
        Assert.Contains("spec.clusterIP", status!.Message);
    }

    [Fact]
    public async Task Deployment_StartsAtGeneration1AndBumpsOnlyOnSpecChanges()
    {
        var ns = await fx.NamespaceAsync();
        var labels = new Dictionary<string, string> { ["app"] = "x" };
        var d = await fx.Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "d" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } },
            },
        }, ns);
        Assert.Equal(1, d.Metadata.Generation);

        d.Metadata.Labels = new Dictionary<string, string> { ["extra"] = "1" };
        d = await fx.Client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "d", ns);
        Assert.Equal(1, d.Metadata.Generation);

        d.Spec.Replicas = 3;
        d = await fx.Client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "d", ns);
        Assert.Equal(2, d.Metadata.Generation);
    }

    [Fact]
    public async Task ClusterScopedCreate_IgnoresNamespace_ForClusterRoles()
    {
        var role = await fx.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "system:test-" + Guid.NewGuid().ToString("N")[..6] } });

        Assert.Null(role.Metadata.NamespaceProperty);
        Assert.StartsWith("system:test-", role.Metadata.Name);
    }
}
