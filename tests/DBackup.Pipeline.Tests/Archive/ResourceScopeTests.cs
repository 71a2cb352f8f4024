using System.Text;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;
using DBackup.Pipeline.Tests.Support;
using static DBackup.Pipeline.Tests.Support.PipelineHostileTar;

namespace DBackup.Pipeline.Tests.Archive;

/// <summary>Entries whose scope or kind contradicts their resource are refused by every read (verify, export, restore, decrypt).</summary>
public sealed class ResourceScopeTests
{
    private const string Rbac = "rbac.authorization.k8s.io";

    private static byte[] Obj(string apiVersion, string kind, string name, string? ns = null, string extra = "") =>
        Encoding.UTF8.GetBytes(
            $$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}"{{{(ns is null ? "" : $",\"namespace\":\"{ns}\"")}}}}{{{extra}}}}""");

    private static byte[] PwnAdmin(string ns) => Obj($"{Rbac}/v1", "ClusterRoleBinding", "pwn-admin", ns,
        ""","roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"shop"}]""");

    private static byte[] Crd(string plural, string group, string kind, string scope, string? name = null) =>
        Obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", name ?? $"{plural}.{group}", extra:
            $$$""","spec":{"group":"{{{group}}}","names":{"plural":"{{{plural}}}","kind":"{{{kind}}}"},"scope":"{{{scope}}}","versions":[{"name":"v1","served":true,"storage":true}]}""");

    private const string CrdPath = "crds/apiextensions.k8s.io/customresourcedefinitions/_cluster/widgets.example.com.json";

    [Fact]
    public async Task Read_Refuses_ClusterRoleBindingUnderNamespaceFolder()
    {
        // The reported attack: export would write shop/clusterrolebinding/pwn-admin.yaml, and kubectl apply -R of shop/ binds cluster-admin.
        var ex = await PipelineRefusals.AssertRefusedAsync(
            Valid(($"main/{Rbac}/clusterrolebindings/shop/pwn-admin.json", PwnAdmin("shop"))), "clusterrolebindings.rbac.authorization.k8s.io is cluster-scoped");

        Assert.Contains("under a namespace folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Refuses_ClusterRoleBindingUnderNamespaceFolder_WhenManifestDeclaresNothing() =>
        await PipelineRefusals.AssertRefusedAsync(
            Build([File("manifest.json", Manifest([($"main/{Rbac}/clusterrolebindings/shop/pwn-admin.json", PwnAdmin("shop"))], declare: false)),
                File($"main/{Rbac}/clusterrolebindings/shop/pwn-admin.json", PwnAdmin("shop"))]),
            "is cluster-scoped");

    [Fact]
    public async Task Read_Refuses_ClusterRoleBindingFiledAsRoleBinding() =>
        await PipelineRefusals.AssertRefusedAsync(
            Build([File("manifest.json", Manifest([($"main/{Rbac}/rolebindings/shop/pwn-admin.json", PwnAdmin("shop"))], declare: false)),
                File($"main/{Rbac}/rolebindings/shop/pwn-admin.json", PwnAdmin("shop"))]),
            "is a ClusterRoleBinding, but its resource rolebindings.rbac.authorization.k8s.io holds RoleBinding objects");

    [Fact]
    public async Task Read_Refuses_ClusterRoleBindingUnderMadeUpResourceOfItsGroup() =>
        await PipelineRefusals.AssertRefusedAsync(
            Valid(($"main/{Rbac}/bindings/shop/pwn-admin.json", PwnAdmin("shop"))),
            "ClusterRoleBinding objects belong to clusterrolebindings.rbac.authorization.k8s.io, not bindings.rbac.authorization.k8s.io");

    [Fact]
    public async Task Read_Refuses_KindThatContradictsTheManifestDeclaration() =>
        await PipelineRefusals.AssertRefusedAsync(
            Build([File("manifest.json", Manifest([("main/core/configmaps/shop/a.json", Json("shop", "a"))],
                    edit: m => m with { Components = Redeclare(m, "core/configmaps", kind: "Secret") })),
                File("main/core/configmaps/shop/a.json", Json("shop", "a"))]),
            "configmaps holds ConfigMap objects, not Secret");

    [Fact]
    public async Task Read_Refuses_ScopeThatContradictsTheManifestDeclaration() =>
        await PipelineRefusals.AssertRefusedAsync(
            Build([File("manifest.json", Manifest([("main/example.com/widgets/shop/w.json", Obj("example.com/v1", "Widget", "w", "shop"))],
                    edit: m => m with { Components = Redeclare(m, "example.com/widgets", scope: ResourceScope.Cluster) })),
                File("main/example.com/widgets/shop/w.json", Obj("example.com/v1", "Widget", "w", "shop"))]),
            "manifest.json declares example.com/widgets cluster-scoped, but lists 'main/example.com/widgets/shop/w.json' under a namespace folder");

    [Theory]
    [InlineData("main/core/namespaces/shop/x.json", "v1", "Namespace", "x", "shop", "namespaces is cluster-scoped")]
    [InlineData("main/apiextensions.k8s.io/customresourcedefinitions/shop/x.json", "apiextensions.k8s.io/v1", "CustomResourceDefinition", "x", "shop", "is cluster-scoped")]
    [InlineData("main/storage.k8s.io/storageclasses/shop/x.json", "storage.k8s.io/v1", "StorageClass", "x", "shop", "is cluster-scoped")]
    [InlineData("main/networking.k8s.io/ingressclasses/shop/x.json", "networking.k8s.io/v1", "IngressClass", "x", "shop", "is cluster-scoped")]
    [InlineData("main/admissionregistration.k8s.io/mutatingwebhookconfigurations/shop/x.json", "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "x", "shop", "is cluster-scoped")]
    [InlineData("main/core/configmaps/_cluster/x.json", "v1", "ConfigMap", "x", null, "configmaps is namespaced")]
    [InlineData("main/rbac.authorization.k8s.io/rolebindings/_cluster/x.json", "rbac.authorization.k8s.io/v1", "RoleBinding", "x", null, "is namespaced")]
    public async Task Read_Refuses_BuiltInStoredInTheWrongScope(string path, string apiVersion, string kind, string name, string? ns, string expected) =>
        await PipelineRefusals.AssertRefusedAsync(Valid((path, Obj(apiVersion, kind, name, ns))), expected);

    [Fact]
    public async Task Read_Refuses_OneResourceInBothScopes() =>
        await PipelineRefusals.AssertRefusedAsync(
            Valid(("main/example.com/widgets/shop/a.json", Obj("example.com/v1", "Widget", "a", "shop")),
                ("main/example.com/widgets/_cluster/b.json", Obj("example.com/v1", "Widget", "b"))),
            "is cluster-scoped, but other objects of example.com/widgets are namespaced");

    [Fact]
    public async Task Read_Refuses_OneCustomResourceWithTwoKinds() =>
        await PipelineRefusals.AssertRefusedAsync(
            Build([File("manifest.json", Manifest([("main/example.com/widgets/shop/a.json", Obj("example.com/v1", "Widget", "a", "shop")),
                    ("main/example.com/widgets/shop/b.json", Obj("example.com/v1", "ClusterWidget", "b", "shop"))], declare: false)),
                File("main/example.com/widgets/shop/a.json", Obj("example.com/v1", "Widget", "a", "shop")),
                File("main/example.com/widgets/shop/b.json", Obj("example.com/v1", "ClusterWidget", "b", "shop"))]),
            "is a ClusterWidget, but its resource widgets.example.com holds Widget objects");

    [Theory]
    [InlineData("Cluster", "shop", "defines widgets.example.com as cluster-scoped Widget, but the backup stores Widget objects namespaced")]
    [InlineData("Namespaced", null, "defines widgets.example.com as namespaced Widget, but the backup stores Widget objects cluster-scoped")]
    public async Task Read_Refuses_CustomResourcesThatContradictTheirCrdInTheBackup(string crdScope, string? ns, string expected)
    {
        var widgetPath = $"apps/example.com/widgets/{ns ?? "_cluster"}/w.json";

        // The CRD comes after its objects: the check runs when the pass ends, before anything is handed out.
        await PipelineRefusals.AssertRefusedAsync(
            Valid((widgetPath, Obj("example.com/v1", "Widget", "w", ns)), (CrdPath, Crd("widgets", "example.com", "Widget", crdScope))), expected);
    }

    [Fact]
    public async Task Read_Refuses_CrdWhoseNameIsNotPluralDotGroup() =>
        await PipelineRefusals.AssertRefusedAsync(
            Valid(("crds/apiextensions.k8s.io/customresourcedefinitions/_cluster/other.json", Crd("widgets", "example.com", "Widget", "Namespaced", name: "other"))),
            "the name must be widgets.example.com");

    [Fact]
    public async Task Verify_Accepts_CustomResourcesThatAgreeWithTheirCrd()
    {
        var result = await PipelineRefusals.Reader(Valid(
            (CrdPath, Crd("widgets", "example.com", "Widget", "Namespaced")),
            ("apps/example.com/widgets/shop/w.json", Obj("example.com/v1", "Widget", "w", "shop")))).VerifyAsync(default);

        Assert.Equal(2, result.Objects);
    }

    [Fact]
    public async Task Verify_Accepts_ManifestWithoutDeclarations_FromOlderWriters()
    {
        var files = new[] { ("main/core/configmaps/shop/a.json", Json("shop", "a")), ($"main/{Rbac}/clusterrolebindings/_cluster/ok.json", Obj($"{Rbac}/v1", "ClusterRoleBinding", "ok")) };

        var result = await PipelineRefusals.Reader(Build([File("manifest.json", Manifest(files, declare: false)), .. files.Select(f => File(f.Item1, f.Item2))])).VerifyAsync(default);

        Assert.Equal(2, result.Objects);
        Assert.All(result.Manifest.Components["main"].Resources.Values, r => Assert.Null(r.Scope));
    }

    [Theory]
    [InlineData("main/core/configmaps/Shop/a.json")]
    [InlineData("main/core/configmaps/sh_op/a.json")]
    [InlineData("main/core/configmaps/-shop/a.json")]
    public async Task Read_Refuses_NamespaceFolderThatIsNotANamespaceName(string path) =>
        await PipelineRefusals.AssertRefusedAsync(Valid((path, Json(path.Split('/')[3], "a"))), "is not a valid namespace name");

    [Fact]
    public async Task Inspect_Refuses_ScopeContradictionsVisibleInTheManifest()
    {
        var reader = PipelineRefusals.Reader(Valid(($"main/{Rbac}/clusterrolebindings/shop/pwn-admin.json", PwnAdmin("shop"))));

        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => reader.InspectAsync(default));

        Assert.Contains("is cluster-scoped", ex.Message, StringComparison.Ordinal);
    }

    private static SortedDictionary<string, ManifestComponent> Redeclare(BackupManifest manifest, string key, string? kind = null, ResourceScope? scope = null)
    {
        var components = new SortedDictionary<string, ManifestComponent>(StringComparer.Ordinal);
        foreach (var (name, component) in manifest.Components)
        {
            var resources = component.Resources.ToDictionary(r => r.Key, r => r.Key == key
                ? r.Value with { Kind = kind ?? r.Value.Kind, Scope = scope ?? r.Value.Scope }
                : r.Value, StringComparer.Ordinal);
            components[name] = component with { Resources = resources };
        }

        return components;
    }
}
