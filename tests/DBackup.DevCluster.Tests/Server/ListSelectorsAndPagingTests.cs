using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

public sealed class ListSelectorsAndPagingTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private async Task<string> SeedAsync()
    {
        var ns = await fx.NamespaceAsync();
        var labels = new (string Name, Dictionary<string, string> Labels)[]
        {
            ("a", new() { ["app"] = "web", ["tier"] = "front" }),
            ("b", new() { ["app"] = "web", ["tier"] = "back" }),
            ("c", new() { ["app"] = "db" }),
            ("d", new()),
        };
        foreach (var (name, l) in labels) await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap(name, labels: l), ns);
        return ns;
    }

    private async Task<string[]> NamesAsync(string ns, string? labelSelector = null, string? fieldSelector = null) =>
        (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: labelSelector, fieldSelector: fieldSelector)).Items
            .Select(i => i.Metadata.Name).Where(n => n != "kube-root-ca.crt").ToArray();

    [Theory]
    [InlineData("app=web", "a,b")]
    [InlineData("app==web", "a,b")]
    [InlineData("app!=web", "c,d")]
    [InlineData("app in (db, web)", "a,b,c")]
    [InlineData("app notin (web)", "c,d")]
    [InlineData("tier", "a,b")]
    [InlineData("!tier", "c,d")]
    [InlineData("app=web,tier=back", "b")]
    public async Task List_FiltersByLabelSelector(string selector, string expected)
    {
        var ns = await SeedAsync();

        Assert.Equal(expected.Split(','), await NamesAsync(ns, selector));
    }

    [Fact]
    public async Task List_Returns400_WhenLabelSelectorIsMalformed()
    {
        var ns = await SeedAsync();

        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "app in ()"));

        Assert.Equal(400, code);
    }

    [Fact]
    public async Task List_FiltersByFieldSelectorOnNameAndNamespace()
    {
        var ns = await SeedAsync();

        Assert.Equal(["c"], await NamesAsync(ns, fieldSelector: "metadata.name=c"));
        Assert.Equal(["a", "b", "d"], await NamesAsync(ns, fieldSelector: "metadata.name!=c,metadata.name!=kube-root-ca.crt"));
        var all = await fx.Client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: $"metadata.namespace={ns},metadata.name=a");
        Assert.Equal("a", Assert.Single(all.Items).Metadata.Name);
    }

    [Fact]
    public async Task ClusterWideList_ReturnsObjectsOfAllNamespaces()
    {
        var ns1 = await SeedAsync();
        var ns2 = await SeedAsync();

        var list = await fx.Client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: "app=db");

        Assert.Contains(list.Items, i => i.Metadata.NamespaceProperty == ns1);
        Assert.Contains(list.Items, i => i.Metadata.NamespaceProperty == ns2);
    }

    [Fact]
    public async Task Paging_ReturnsConsistentSnapshot_WhenObjectsChangeBetweenPages()
    {
        var ns = await SeedAsync();
        var first = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2);
        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.Metadata.ContinueProperty);
        Assert.Equal(3, first.Metadata.RemainingItemCount);

        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("zz-new"), ns);
        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("d", ns);
        var names = first.Items.Select(i => i.Metadata.Name).ToList();
        var cont = first.Metadata.ContinueProperty;
        while (cont is not null)
        {
            var page = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: cont);
            Assert.Equal(first.Metadata.ResourceVersion, page.Metadata.ResourceVersion);
            names.AddRange(page.Items.Select(i => i.Metadata.Name));
            cont = page.Metadata.ContinueProperty;
        }

        Assert.Equal(["a", "b", "c", "d", "kube-root-ca.crt"], names);
    }

    [Fact]
    public async Task Continue_Returns410Expired_WhenSnapshotWasCompacted()
    {
        var ns = await SeedAsync();
        var first = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 1);
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("later"), ns);
        fx.Cluster.CompactHistory();

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 1, continueParameter: first.Metadata.ContinueProperty));

        Assert.Equal(410, code);
        Assert.Equal("Expired", status!.Reason);
        Assert.StartsWith("The provided continue parameter is too old", status.Message);
    }

    [Fact]
    public async Task List_ReturnsOlderState_WhenResourceVersionMatchIsExact()
    {
        var ns = await SeedAsync();
        var before = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", ns);

        var old = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, resourceVersion: before.Metadata.ResourceVersion, resourceVersionMatch: "Exact");
        var now = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, resourceVersion: before.Metadata.ResourceVersion, resourceVersionMatch: "NotOlderThan");

        Assert.Contains(old.Items, i => i.Metadata.Name == "a");
        Assert.Equal(before.Metadata.ResourceVersion, old.Metadata.ResourceVersion);
        Assert.DoesNotContain(now.Items, i => i.Metadata.Name == "a");
    }

    [Fact]
    public async Task List_ReturnsLatestRevision_AsListResourceVersion()
    {
        var ns = await SeedAsync();
        var created = await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(Some.ConfigMap("last"), ns);

        var list = await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns);

        Assert.True(long.Parse(list.Metadata.ResourceVersion) >= long.Parse(created.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task List_Returns422_WhenResourceVersionMatchWithoutResourceVersion()
    {
        var ns = await SeedAsync();

        var (code, _, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, resourceVersionMatch: "Exact"));

        Assert.Equal(422, code);
    }

    [Fact]
    public async Task List_FiltersEventsByInvolvedObject_LikeKubectlDescribe()
    {
        var ns = await fx.NamespaceAsync();
        foreach (var (name, target) in new[] { ("e1", "a"), ("e2", "b") })
        {
            await fx.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name },
                InvolvedObject = new V1ObjectReference { Kind = "ConfigMap", Name = target, NamespaceProperty = ns },
                Reason = "Test",
                Type = "Normal",
            }, ns);
        }

        var events = await fx.Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name=b,involvedObject.kind=ConfigMap,involvedObject.namespace={ns},type=Normal");

        Assert.Equal("e2", Assert.Single(events.Items).Metadata.Name);
    }

    [Fact]
    public async Task List_Returns400_WhenFieldIsNotSelectable()
    {
        var ns = await fx.NamespaceAsync();

        var (code, status, _) = await Some.FailureAsync(() => fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "data.k=v"));

        Assert.Equal(400, code);
        Assert.Equal("\"data.k\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", status!.Message);
    }

    [Fact]
    public async Task List_FiltersSecretsByType()
    {
        var ns = await fx.NamespaceAsync();
        await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "opaque" } }, ns);
        await fx.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "docker" }, Type = "kubernetes.io/dockerconfigjson", Data = new Dictionary<string, byte[]> { [".dockerconfigjson"] = "{}"u8.ToArray() } }, ns);

        var secrets = await fx.Client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: "type=Opaque");

        Assert.Equal("opaque", Assert.Single(secrets.Items).Metadata.Name);
    }
}
