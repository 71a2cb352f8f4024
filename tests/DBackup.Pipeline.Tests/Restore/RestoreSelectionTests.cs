using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Restore;

namespace DBackup.Pipeline.Tests.Restore;

public sealed class RestoreSelectionTests
{
    private static readonly ObjectRef ConfigMap = new("app", "", "v1", "configmaps", "ConfigMap", "shop", "settings");
    private static readonly ObjectRef Widget = new("crs", "example.com", "v1", "widgets", "Widget", "shop", "w1");
    private static readonly ObjectRef OtherNs = new("app", "", "v1", "configmaps", "ConfigMap", "billing", "settings");
    private static readonly ObjectRef ShopNamespace = new("app", "", "v1", "namespaces", "Namespace", null, "shop");
    private static readonly ObjectRef Crd = new("crs", "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", null, "widgets.example.com");

    [Fact]
    public void Includes_Everything_ByDefault() =>
        Assert.All(new[] { ConfigMap, Widget, OtherNs, ShopNamespace, Crd }, r => Assert.True(RestoreSelection.All.Includes(r)));

    [Theory]
    // Components.
    [InlineData("components", "app", "settings@shop,settings@billing,shop")]
    [InlineData("components", "crs", "w1,widgets.example.com")]
    // Resources: plural, plural.group, kind.
    [InlineData("include", "configmaps", "settings@shop,settings@billing")]
    [InlineData("include", "widgets.example.com", "w1")]
    [InlineData("include", "widgets", "w1")]
    [InlineData("include", "Widget", "w1")]
    [InlineData("include", "widgets.other.org", "")]
    [InlineData("exclude", "configmaps", "w1,shop,widgets.example.com")]
    [InlineData("exclude", "customresourcedefinitions.apiextensions.k8s.io", "settings@shop,w1,settings@billing,shop")]
    // Namespaces keep their objects and their own Namespace object, never other cluster-scoped objects.
    [InlineData("namespaces", "shop", "settings@shop,w1,shop")]
    [InlineData("namespaces", "billing", "settings@billing")]
    public void Includes_FiltersAsConfigured(string filter, string value, string expected)
    {
        var selection = filter switch
        {
            "components" => new RestoreSelection { Components = [value] },
            "include" => new RestoreSelection { IncludeResources = [value] },
            "exclude" => new RestoreSelection { ExcludeResources = [value] },
            _ => new RestoreSelection { IncludeNamespaces = [value] },
        };

        var kept = new[] { ConfigMap, Widget, OtherNs, ShopNamespace, Crd }.Where(selection.Includes)
            .Select(r => r.Namespace is null ? r.Name : r.Resource == "configmaps" ? $"{r.Name}@{r.Namespace}" : r.Name);

        Assert.Equal(expected, string.Join(',', kept));
    }

    [Fact]
    public void Exclude_WinsOverInclude()
    {
        var selection = new RestoreSelection { IncludeResources = ["configmaps"], ExcludeResources = ["configmaps"] };
        Assert.False(selection.Includes(ConfigMap));
    }

    [Fact]
    public void Mapping_RenamesNamespacedObjectsAndTheNamespaceItself()
    {
        var selection = new RestoreSelection { NamespaceMapping = new Dictionary<string, string> { ["shop"] = "shop-copy" } };

        Assert.Equal("shop-copy", selection.TargetNamespace(ConfigMap));
        Assert.Equal("settings", selection.TargetName(ConfigMap));
        Assert.Equal("billing", selection.TargetNamespace(OtherNs));
        Assert.Null(selection.TargetNamespace(ShopNamespace));
        Assert.Equal("shop-copy", selection.TargetName(ShopNamespace));
        Assert.Equal("widgets.example.com", selection.TargetName(Crd));
    }

    [Theory]
    // Valid: RFC 1123 labels of 1 to 63 characters.
    [InlineData("a", true)]
    [InlineData("shop-copy", true)]
    [InlineData("0abc9", true)]
    [InlineData(63, true)]
    // Too long, empty, or not a label.
    [InlineData(64, false)]
    [InlineData("", false)]
    [InlineData("-shop", false)]
    [InlineData("shop-", false)]
    [InlineData("Shop", false)]
    [InlineData("shop.copy", false)]
    [InlineData("shop_copy", false)]
    public void IsNamespaceName_AcceptsExactlyRfc1123LabelsOfAtMost63Characters(object name, bool expected)
    {
        var text = name is int length ? Long(length) : (string)name;

        Assert.Equal(expected, RestoreSelection.IsNamespaceName(text));
    }

    [Fact]
    public void Validate_AcceptsA63CharacterTarget_AndRejectsA64CharacterOne()
    {
        new RestoreSelection { NamespaceMapping = new Dictionary<string, string> { ["shop"] = Long(63) } }.Validate();
        new RestoreSelection { NamespaceMapping = new Dictionary<string, string> { [Long(63)] = "shop" } }.Validate();

        var target = Assert.Throws<ArgumentException>(() => new RestoreSelection { NamespaceMapping = new Dictionary<string, string> { ["shop"] = Long(64) } }.Validate());
        var source = Assert.Throws<ArgumentException>(() => new RestoreSelection { NamespaceMapping = new Dictionary<string, string> { [Long(64)] = "shop" } }.Validate());
        Assert.Contains("at most 63 characters", target.Message, StringComparison.Ordinal);
        Assert.Contains("invalid", source.Message, StringComparison.Ordinal);
    }

    /// <summary>A valid-looking name of <paramref name="length"/> characters ("n" plus digits).</summary>
    private static string Long(int length) => "n" + new string('7', length - 1);

    [Theory]
    [InlineData("shop", "Shop_Copy", "invalid")]
    [InlineData("a", "same;b=same", "same namespace")]
    public void Validate_RejectsBadMappings(string from, string to, string expected)
    {
        var mapping = new Dictionary<string, string>();
        if (to.Contains(';', StringComparison.Ordinal))
        {
            mapping[from] = to.Split(';')[0];
            var second = to.Split(';')[1].Split('=');
            mapping[second[0]] = second[1];
        }
        else
        {
            mapping[from] = to;
        }

        var error = Assert.Throws<ArgumentException>(() => new RestoreSelection { NamespaceMapping = mapping }.Validate());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
