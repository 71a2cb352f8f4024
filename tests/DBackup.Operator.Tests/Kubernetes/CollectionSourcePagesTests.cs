using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Operator.Kubernetes;

namespace DBackup.Operator.Tests.Kubernetes;

/// <summary>
/// The one-pass page cleaner on hand-written list pages: the continue token is handed over once, before the items when
/// the server sends metadata first (so the next page can be requested while this one is cleaned) and at the end
/// otherwise; malformed pages fail instead of yielding an empty backup.
/// </summary>
public sealed class CollectionSourcePagesTests
{
    private static readonly ListScope ConfigMaps = new(
        new CollectionSource { Component = "config", Resources = ["configmaps"] },
        new ApiResource(string.Empty, "v1", "configmaps", "ConfigMap", true, ["list"]),
        "team-a");

    [Fact]
    public void Clean_HandsOverTheContinueTokenBeforeTheItems_WhenMetadataComesFirst()
    {
        var calls = new List<(string? Token, int ItemsSoFar)>();
        var stats = new CollectionStats();
        var page = Page("""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"next-1"},"items":[ITEMS]}""", 3);

        var objects = CollectionSourcePages.Clean(page, ConfigMaps, includeSecrets: false, stats, token => calls.Add((token, stats.Total)));

        Assert.Equal([("next-1", 0)], calls);
        Assert.Equal(["cm-0", "cm-1", "cm-2"], objects.Select(o => o.Ref.Name));
    }

    [Fact]
    public void Clean_HandsOverTheContinueTokenOnce_WhenMetadataComesAfterTheItems()
    {
        var calls = new List<(string? Token, int ItemsSoFar)>();
        var stats = new CollectionStats();
        var page = Page("""{"items":[ITEMS],"metadata":{"continue":"next-2"},"kind":"ConfigMapList"}""", 2);

        var objects = CollectionSourcePages.Clean(page, ConfigMaps, includeSecrets: false, stats, token => calls.Add((token, stats.Total)));

        Assert.Equal([("next-2", 2)], calls);
        Assert.Equal(2, objects.Count);
    }

    [Theory]
    [InlineData("""{"kind":"ConfigMapList","metadata":{"continue":""},"items":[]}""")]
    [InlineData("""{"kind":"ConfigMapList","metadata":{},"items":null}""")]
    [InlineData("""{"kind":"ConfigMapList","items":[]}""")]
    public void Clean_ReportsTheLastPage_WithNullOnce(string json)
    {
        var calls = new List<string?>();

        var objects = CollectionSourcePages.Clean(Encoding.UTF8.GetBytes(json), ConfigMaps, includeSecrets: false, new CollectionStats(), calls.Add);

        Assert.Equal([null], calls);
        Assert.Empty(objects);
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""{"items":[{"metadata":{"name":"a"}}""")]
    [InlineData("""{"items":[{"metadata":{"name":"a"}},]}""")]
    public void Clean_RefusesAPageThatIsNotAJsonListObject(string json)
    {
        Assert.ThrowsAny<JsonException>(() => CollectionSourcePages.Clean(Encoding.UTF8.GetBytes(json), ConfigMaps, includeSecrets: false, new CollectionStats(), _ => { }));
    }

    [Fact]
    public void Clean_StripsServerFieldsAndSetsTheKind_OfEachItem()
    {
        var page = Page("""{"metadata":{},"items":[ITEMS]}""", 1);

        var json = Encoding.UTF8.GetString(CollectionSourcePages.Clean(page, ConfigMaps, includeSecrets: false, new CollectionStats(), _ => { }).Single().Json.Span);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-0","namespace":"team-a"},"data":{"k":"v0"}}"""), JsonNode.Parse(json)), json);
    }

    [Fact]
    public async Task ResponseBody_ReadsABodyOfUnknownLength_LargerThanItsFirstBuffer()
    {
        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentLength = null;

        using var body = await ResponseBody.ReadAsync(content, CancellationToken.None);

        Assert.Equal(bytes, body.Memory.ToArray());
        body.Dispose();
        Assert.Throws<ObjectDisposedException>(() => body.Memory);
    }

    [Fact]
    public async Task ResponseBody_ReadsExactlyTheAnnouncedLength()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"kind":"ConfigMapList"}""");
        using var content = new ByteArrayContent(bytes);

        using var body = await ResponseBody.ReadAsync(content, CancellationToken.None);

        Assert.Equal(bytes, body.Memory.ToArray());
    }

    private static byte[] Page(string template, int items) =>
        Encoding.UTF8.GetBytes(template.Replace("ITEMS", string.Join(',', Enumerable.Range(0, items).Select(i =>
            $$$"""{"metadata":{"name":"cm-{{{i}}}","namespace":"team-a","uid":"u-{{{i}}}","resourceVersion":"{{{i + 1}}}","creationTimestamp":"2026-01-01T00:00:00Z","managedFields":[{"manager":"kubectl"}]},"data":{"k":"v{{{i}}}"}}"""))));
}
