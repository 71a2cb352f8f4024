using System.Text.Json.Nodes;
using k8s;

namespace DBackup.DevCluster.Tests.Server;

public sealed class CrdSchemaTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private async Task<(string Ns, string Group)> SetupAsync() => (await fx.NamespaceAsync(), await Crds.CreateWidgetCrdAsync(fx.Client));

    [Fact]
    public async Task Create_PrunesUnknownFieldsAndAppliesDefaults()
    {
        var (ns, group) = await SetupAsync();
        var w = Crds.Widget("w");
        w["spec"]!["unknown"] = "x";
        w["spec"]!["free"] = new JsonObject { ["anything"] = 1 };
        w["topLevelJunk"] = true;

        var created = await Crds.CreateAsync(fx.Client, group, ns, w);

        Assert.Null(created["spec"]!["unknown"]);
        Assert.Null(created["topLevelJunk"]);
        Assert.Equal(1, created["spec"]!["free"]!["anything"]!.GetValue<int>());
        Assert.Equal("auto", created["spec"]!["mode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"color":"red"}""", "spec.size: Required value")]
    [InlineData("""{"size":0}""", "spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1")]
    [InlineData("""{"size":11}""", "spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10")]
    [InlineData("""{"size":2,"color":"green"}""", "spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\"")]
    [InlineData("""{"size":"two"}""", "spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"")]
    [InlineData("""{"size":2,"name":"ABC"}""", "spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'")]
    public async Task Create_Returns422NamingTheField_WhenSchemaIsViolated(string spec, string expected)
    {
        var (ns, group) = await SetupAsync();
        var w = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "bad" }, ["spec"] = JsonNode.Parse(spec) };

        var (code, status, _) = await Some.FailureAsync(() => Crds.CreateAsync(fx.Client, group, ns, w));

        Assert.Equal(422, code);
        Assert.Equal("Invalid", status!.Reason);
        Assert.StartsWith($"Widget.{group} \"bad\" is invalid: ", status.Message);
        Assert.Contains(expected, status.Message);
        Assert.Equal("Widget", status.Details.Kind);
        Assert.Equal(group, status.Details.Group);
    }

    [Fact]
    public async Task Create_Returns400_WhenFieldValidationIsStrictAndFieldIsUnknown()
    {
        var (ns, group) = await SetupAsync();
        var w = Crds.Widget("w").WithType(group);
        w["spec"]!["bogus"] = 1;

        var (code, status, _) = await Some.FailureAsync(() =>
            fx.Client.CustomObjects.CreateNamespacedCustomObjectAsync(w, group, Crds.Version, ns, "widgets", fieldValidation: "Strict"));

        Assert.Equal(400, code);
        Assert.Contains("strict decoding error: unknown field \"spec.bogus\"", status!.Message);
    }

    [Fact]
    public async Task Update_Returns422_WhenSchemaIsViolated()
    {
        var (ns, group) = await SetupAsync();
        var created = await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));
        created["spec"]!["size"] = 100;

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(created, group, Crds.Version, ns, "widgets", "w"));

        Assert.Equal(422, code);
        Assert.Contains("spec.size", status!.Message);
    }

    [Fact]
    public async Task ClusterScopedCustomResource_IsServedWithoutNamespace()
    {
        var group = await Crds.CreateWidgetCrdAsync(fx.Client, namespaced: false);

        var created = Crds.ToNode(await fx.Client.CustomObjects.CreateClusterCustomObjectAsync(Crds.Widget("cw").WithType(group), group, Crds.Version, "widgets"));
        var list = Crds.ToNode(await fx.Client.CustomObjects.ListClusterCustomObjectAsync(group, Crds.Version, "widgets"));

        Assert.Null(created["metadata"]!["namespace"]);
        Assert.Equal("cw", Assert.Single(list["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("WidgetList", list["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServedVersions_ShareStorageAndRewriteApiVersion()
    {
        var ns = await fx.NamespaceAsync();
        var group = await Crds.CreateWidgetCrdAsync(fx.Client, extraVersions: ["v1beta1"]);
        await Crds.CreateAsync(fx.Client, group, ns, Crds.Widget("w"));

        var viaBeta = Crds.ToNode(await fx.Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1beta1", ns, "widgets", "w"));

        Assert.Equal($"{group}/v1beta1", viaBeta["apiVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task CrdCreate_Returns422_WhenNameDoesNotMatchPluralAndGroup()
    {
        var crd = k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"wrong.example.com"},
             "spec":{"group":"x.example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
                     "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}
            """);

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd));

        Assert.Equal(422, code);
        Assert.Contains("metadata.name: Invalid value: \"wrong.example.com\": must be spec.names.plural+\".\"+spec.group", status!.Message);
    }

    [Fact]
    public async Task Crd_ReportsAcceptedNamesAndStoredVersions_WhenEstablished()
    {
        var group = await Crds.CreateWidgetCrdAsync(fx.Client);

        var crd = await fx.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"widgets.{group}");

        Assert.Equal("Widget", crd.Status.AcceptedNames.Kind);
        Assert.Equal(["v1"], crd.Status.StoredVersions);
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");
        Assert.Equal(1, crd.Metadata.Generation);
    }

    [Fact]
    public async Task CrdCreate_Returns422_WhenSchemaIsNotStructural()
    {
        var crd = k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"things.ns.example.com"},
             "spec":{"group":"ns.example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
                     "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"properties":{"a":{"type":"string"}}}}}}}]}}
            """);

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd));

        Assert.Equal(422, code);
        Assert.Contains("spec.versions[0].schema.openAPIV3Schema.properties[spec].type", status!.Message);
    }
}
