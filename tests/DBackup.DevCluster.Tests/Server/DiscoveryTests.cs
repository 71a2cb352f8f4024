using System.Text.Json.Nodes;
using k8s;

namespace DBackup.DevCluster.Tests.Server;

public sealed class DiscoveryTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private async Task<JsonObject> GetJsonAsync(string path, string? accept = null)
    {
        using var http = new HttpClient { BaseAddress = fx.Cluster.Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Version_ReportsKubernetes132()
    {
        var version = await fx.Client.Version.GetCodeAsync();

        Assert.Equal("1", version.Major);
        Assert.Equal("32", version.Minor);
    }

    [Fact]
    public async Task CoreResourceList_DescribesVerbsScopeKindAndShortNames()
    {
        var list = await fx.Client.CoreV1.GetAPIResourcesAsync();

        var cm = list.Resources.Single(r => r.Name == "configmaps");
        Assert.True(cm.Namespaced);
        Assert.Equal("ConfigMap", cm.Kind);
        Assert.Equal(["cm"], cm.ShortNames);
        Assert.Equal(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], cm.Verbs);
        Assert.False(list.Resources.Single(r => r.Name == "namespaces").Namespaced);
        Assert.Contains(list.Resources, r => r.Name == "namespaces/status");
        Assert.Contains(list.Resources, r => r.Name == "services" && r.Categories.Contains("all"));
    }

    [Fact]
    public async Task Groups_ListBuiltInApiGroups()
    {
        var groups = await fx.Client.Apis.GetAPIVersionsAsync();

        var names = groups.Groups.Select(g => g.Name).ToList();
        Assert.Superset(new HashSet<string> { "apps", "coordination.k8s.io", "rbac.authorization.k8s.io", "apiextensions.k8s.io", "events.k8s.io" }, names.ToHashSet());
        Assert.Equal("apps/v1", groups.Groups.Single(g => g.Name == "apps").PreferredVersion.GroupVersion);
    }

    [Fact]
    public async Task AggregatedDiscoveryRequest_GetsLegacyDocumentWithPlainJsonContentType()
    {
        var apis = await GetJsonAsync("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");

        Assert.Equal("APIGroupList", apis["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task CrdResources_AppearInDiscovery_OnceEstablished()
    {
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);

        var groupDoc = await GetJsonAsync($"/apis/{group}");
        var resources = await GetJsonAsync($"/apis/{group}/v1");

        Assert.Equal($"{group}/v1", groupDoc["preferredVersion"]!["groupVersion"]!.GetValue<string>());
        var names = resources["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["widgets", "widgets/status"], names);
        var widgets = resources["resources"]![0]!;
        Assert.Equal("Widget", widgets["kind"]!.GetValue<string>());
        Assert.Equal("wd", widgets["shortNames"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownPath_Returns404Status()
    {
        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CustomObjects.ListClusterCustomObjectAsync("nope.example.com", "v1", "things"));

        Assert.Equal(404, code);
        Assert.Equal("the server could not find the requested resource", status!.Message);
    }

    [Fact]
    public async Task Kubeconfig_ConnectsAnOfficialClient()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(fx.Cluster.KubeconfigPath);
        using var client = new Kubernetes(config);

        var namespaces = await client.CoreV1.ListNamespaceAsync();

        Assert.Equal("devcluster", KubernetesClientConfiguration.LoadKubeConfig(fx.Cluster.KubeconfigPath).CurrentContext);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");
    }

    [Fact]
    public async Task TableOutput_UsesCrdPrinterColumns()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w", 4));

        var table = await GetJsonAsync($"/apis/{group}/v1/namespaces/{ns}/widgets", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Size", "Phase"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("w", cells[0]!.GetValue<string>());
        Assert.Equal(4, cells[1]!.GetValue<int>());
    }

    [Fact]
    public async Task SelfSubjectAccessReview_IsAllowed_BecauseNoAuthorizationIsEnforced()
    {
        var review = await fx.Client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new k8s.Models.V1SelfSubjectAccessReview
        {
            Spec = new k8s.Models.V1SelfSubjectAccessReviewSpec { ResourceAttributes = new k8s.Models.V1ResourceAttributes { Verb = "delete", Resource = "secrets", NamespaceProperty = "default" } },
        });

        Assert.True(review.Status.Allowed);
        Assert.Equal("delete", review.Spec.ResourceAttributes.Verb);
        var (code, _, _) = await Some.SendAsync(fx.Cluster, HttpMethod.Get, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        Assert.Equal(405, code);
    }
}
