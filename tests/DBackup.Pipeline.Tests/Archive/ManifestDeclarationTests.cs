using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Archive;

/// <summary>The writer declares each resource's kind and scope, and never stores what the reader would refuse.</summary>
public sealed class ManifestDeclarationTests
{
    private static Task<BackupResult> WriteAsync(InMemoryDestination destination, params BackupObject[] objects) =>
        new BackupPipeline().WriteAsync(PipelineSome.Request(), PipelineSome.Stream(objects), destination, default);

    private static BackupObject ClusterRoleBinding(string? ns) =>
        PipelineSome.Raw(new ObjectRef("main", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", ns, "b"),
            $$$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"{{{(ns is null ? "" : $",\"namespace\":\"{ns}\"")}}}}}""");

    [Fact]
    public async Task WriteAsync_DeclaresKindAndScopeOfEveryResource()
    {
        var destination = new InMemoryDestination();
        var result = await WriteAsync(destination, PipelineSome.ConfigMap("shop", "a"), PipelineSome.Widget("w"), ClusterRoleBinding(null));

        var reader = await BackupReader.FromDestinationAsync(destination, result.PayloadKey);
        var manifest = (await reader.VerifyAsync(default)).Manifest;

        Assert.Equal(new ManifestResource { Objects = 1, Sha256 = manifest.Components["main"].Resources["core/configmaps"].Sha256, Kind = "ConfigMap", Scope = ResourceScope.Namespaced },
            manifest.Components["main"].Resources["core/configmaps"]);
        Assert.Equal(("ClusterRoleBinding", ResourceScope.Cluster),
            (manifest.Components["main"].Resources["rbac.authorization.k8s.io/clusterrolebindings"].Kind, manifest.Components["main"].Resources["rbac.authorization.k8s.io/clusterrolebindings"].Scope));
        Assert.Equal(("Widget", ResourceScope.Cluster), (manifest.Components["crs"].Resources["example.com/widgets"].Kind, manifest.Components["crs"].Resources["example.com/widgets"].Scope));
    }

    [Fact]
    public async Task WriteAsync_Refuses_BuiltInInTheWrongScope()
    {
        var destination = new InMemoryDestination();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => WriteAsync(destination, ClusterRoleBinding("shop")));

        Assert.Contains("clusterrolebindings.rbac.authorization.k8s.io is cluster-scoped", ex.Message, StringComparison.Ordinal);
        Assert.Empty(destination.Keys);
    }

    [Fact]
    public async Task WriteAsync_Refuses_OneResourceInBothScopes()
    {
        var namespaced = PipelineSome.Raw(new ObjectRef("crs", "example.com", "v1", "widgets", "Widget", "shop", "n"),
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"n","namespace":"shop"}}""");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => WriteAsync(new InMemoryDestination(), PipelineSome.Widget("w"), namespaced));

        Assert.Contains("is namespaced, but other objects of example.com/widgets are cluster-scoped", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Refuses_OneResourceWithTwoKinds()
    {
        var gadget = PipelineSome.Raw(new ObjectRef("crs", "example.com", "v1", "widgets", "Gadget", null, "g"),
            """{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g"}}""");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => WriteAsync(new InMemoryDestination(), PipelineSome.Widget("w"), gadget));

        Assert.Contains("is a Gadget, but other objects of example.com/widgets are Widgets", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"},"data":{"k":"1","k":"2"}}""")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"},"data":{"k":"\ud800"}}""")]
    public async Task WriteAsync_Refuses_JsonThatIsNotStrict(string json)
    {
        var bad = PipelineSome.Raw(new ObjectRef("main", "", "v1", "configmaps", "ConfigMap", "ns", "a"), json);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => WriteAsync(new InMemoryDestination(), bad));

        Assert.Contains("cannot be stored", ex.Message, StringComparison.Ordinal);
    }
}
