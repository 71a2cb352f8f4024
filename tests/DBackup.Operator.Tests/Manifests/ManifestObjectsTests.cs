using System.Text.Json.Nodes;
using DBackup.Operator.Manifests;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Tests.Manifests;

public sealed class ManifestObjectsTests
{
    private static ManifestDocument Doc(string json) => new("f.yaml", 3, JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void Identify_UsesDefaultNamespace_WhenNamespacedObjectHasNone()
    {
        var (objectRef, obj) = ManifestObjects.Identify(Doc("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"""), new ResourceNames(), "pack", "team-a");

        Assert.Equal(new ObjectRef("pack", "", "v1", "configmaps", "ConfigMap", "team-a", "c"), objectRef);
        Assert.Equal("team-a", (string?)obj["metadata"]!["namespace"]);
    }

    [Fact]
    public void Identify_DropsNamespace_WhenKindIsClusterScoped()
    {
        var (objectRef, obj) = ManifestObjects.Identify(Doc("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:viewer","namespace":"x"}}"""), new ResourceNames(), "pack", "default");

        Assert.Null(objectRef.Namespace);
        Assert.Equal("system:viewer", objectRef.Name);
        Assert.Null(obj["metadata"]!["namespace"]);
    }

    [Theory]
    [InlineData("""{"kind":"ConfigMap","metadata":{"name":"c"}}""", "apiVersion")]
    [InlineData("""{"apiVersion":"v1","metadata":{"name":"c"}}""", "kind")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}""", "metadata.name")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"../etc"}}""", "not a valid object name")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"Bad_NS"}}""", "not a valid namespace")]
    public void Identify_ThrowsWithLocation_WhenObjectIsIncomplete(string json, string expected)
    {
        var ex = Assert.Throws<ManifestException>(() => ManifestObjects.Identify(Doc(json), new ResourceNames(), "pack", "default"));

        Assert.StartsWith("f.yaml:3:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("My Manifests", "my-manifests")]
    [InlineData("__", "pack")]
    [InlineData("prod.cluster_01", "prod-cluster-01")]
    public void ToDnsLabel_SanitizesFolderNames(string folder, string expected)
    {
        Assert.Equal(expected, ManifestObjects.ToDnsLabel(folder));
    }
}
