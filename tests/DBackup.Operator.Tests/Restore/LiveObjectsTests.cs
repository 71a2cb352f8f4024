using System.Text.Json;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;

namespace DBackup.Operator.Tests.Restore;

public sealed class LiveObjectsTests
{
    private static readonly ApiResource ConfigMaps = new(string.Empty, "v1", "configmaps", "ConfigMap", true, ["list"]);

    [Fact]
    public void WithTypeFields_AddsApiVersionAndKind_ToABuiltInListItem_KeepingEveryField()
    {
        using var item = JsonDocument.Parse("""{"metadata":{"name":"a","labels":{"x.io/y":"z"}},"data":{"k":"v\n\"q\""}}""");

        var whole = JsonDocument.Parse(LiveObjects.WithTypeFields(item.RootElement, ConfigMaps)).RootElement;

        Assert.Equal("v1", whole.GetProperty("apiVersion").GetString());
        Assert.Equal("ConfigMap", whole.GetProperty("kind").GetString());
        Assert.Equal("z", whole.GetProperty("metadata").GetProperty("labels").GetProperty("x.io/y").GetString());
        Assert.Equal("v\n\"q\"", whole.GetProperty("data").GetProperty("k").GetString());
    }

    [Fact]
    public void WithTypeFields_DoesNotRepeatTypeFields_ACustomResourceItemAlreadyHas()
    {
        var widgets = new ApiResource("example.com", "v1", "widgets", "Widget", true, ["list"]);
        using var item = JsonDocument.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":3}}""");

        var bytes = LiveObjects.WithTypeFields(item.RootElement, widgets);
        var fields = JsonDocument.Parse(bytes).RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], fields);
        Assert.Equal("example.com/v1", JsonDocument.Parse(bytes).RootElement.GetProperty("apiVersion").GetString());
    }
}
