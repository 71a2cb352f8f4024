using System.Text;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Tests.Support;
using static DBackup.Pipeline.Tests.Support.PipelineHostileTar;

namespace DBackup.Pipeline.Tests.Archive;

/// <summary>JSON that is not strict (too deep, a key twice, not UTF-8, lone surrogates) is refused by every read.</summary>
public sealed class StrictJsonTests
{
    private const string Path = "main/core/configmaps/ns/a.json";

    private static byte[] ConfigMap(string data) =>
        Encoding.UTF8.GetBytes($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"},"data":{{data}}}""");

    private static byte[] Nested(int depth)
    {
        // The object itself is level 1, "data" opens level 2, each further {"x": one more.
        var open = string.Concat(Enumerable.Repeat("{\"x\":", depth - 1));
        return ConfigMap(open + "1" + new string('}', depth - 1));
    }

    [Fact]
    public async Task Verify_Accepts_NestingAtTheBound()
    {
        var result = await PipelineRefusals.Reader(Valid((Path, Nested(StrictJson.MaxDepth)))).VerifyAsync(default);

        Assert.Equal(1, result.Objects);
    }

    [Theory]
    [InlineData(StrictJson.MaxDepth + 1)]
    [InlineData(100)]
    [InlineData(10_000)]
    public async Task Read_Refuses_NestingDeeperThanTheBound(int depth) =>
        await PipelineRefusals.AssertRefusedAsync(Valid((Path, Nested(depth))), "maximum configured depth of 64");

    [Theory]
    // At the top, in metadata, deep inside, and spelled with an escape.
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","kind":"Secret","metadata":{"name":"a","namespace":"ns"}}""", "kind")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","namespace":"kube-system"}}""", "namespace")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"},"data":{"k":"1","k":"2"}}""", "k")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"},"x":[{"y":{"z":1,"z":2}}]}""", "z")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"},"data":{"key":"1","k\u0065y":"2"}}""", "key")]
    public async Task Read_Refuses_DuplicateKeys(string json, string key) =>
        await PipelineRefusals.AssertRefusedAsync(Valid((Path, Encoding.UTF8.GetBytes(json))), $"has the property '{key}' twice in one object");

    [Fact]
    public async Task Read_Refuses_DuplicateKeyAmongManyKeys()
    {
        // Past the linear check: the object's keys are sorted by hash when it ends.
        var keys = Enumerable.Range(0, 5000).Select(i => $"\"k{i}\":\"v\"").Append("\"k4321\":\"again\"");

        await PipelineRefusals.AssertRefusedAsync(Valid((Path, ConfigMap("{" + string.Join(',', keys) + "}"))), "has the property 'k4321' twice");
    }

    [Fact]
    public async Task Verify_Accepts_SameKeyInDifferentObjects()
    {
        var json = ConfigMap("""{"a":"1","b":"2"},"spec":{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}""");

        var result = await PipelineRefusals.Reader(Valid((Path, json))).VerifyAsync(default);

        Assert.Equal(1, result.Objects);
    }

    [Fact]
    public async Task Read_Refuses_InvalidUtf8InAValue() =>
        await PipelineRefusals.AssertRefusedAsync(Valid((Path, [.. ConfigMap("""{"k":"x""")[..^1], 0xC3, 0x28, .. "\"}}"u8])), "is not valid UTF-8");

    [Fact]
    public async Task Read_Refuses_InvalidUtf8InAKey() =>
        await PipelineRefusals.AssertRefusedAsync(Valid((Path, [.. ConfigMap("""{"k""")[..^1], 0xFF, .. "\":\"v\"}}"u8])), "is not valid UTF-8");

    [Theory]
    [InlineData("""{"k":"\ud800"}""")]
    [InlineData("""{"k":"x\udc00y"}""")]
    [InlineData("""{"k":"\ud800\ud800"}""")]
    [InlineData("""{"\ud800":"v"}""")]
    public async Task Read_Refuses_EscapedLoneSurrogates(string data) =>
        await PipelineRefusals.AssertRefusedAsync(Valid((Path, ConfigMap(data))), "not valid Unicode");

    [Fact]
    public async Task Verify_Accepts_EscapedSurrogatePairAndEscapedBackslashU()
    {
        var result = await PipelineRefusals.Reader(Valid((Path, ConfigMap("""{"k":"\ud83d\ude00 \\ud800 \u0026"}""")))).VerifyAsync(default);

        Assert.Equal(1, result.Objects);
    }

    [Theory]
    [InlineData("""{"formatVersion":1,"formatVersion":1,"policy":"p","trigger":"t","createdAt":"2026-01-01T00:00:00Z","entries":[],"components":{}}""", "Duplicate")]
    [InlineData("""{"formatVersion":1,"policy":"p","trigger":"t","createdAt":"2026-01-01T00:00:00Z","entries":[],"components":{"a":{"sha256":"x"},"a":{"sha256":"y"}}}""", "Duplicate")]
    [InlineData("""{"formatVersion":1,"policy":"p\ud800","trigger":"t","createdAt":"2026-01-01T00:00:00Z","entries":[],"components":{}}""", "manifest.json is not valid JSON")]
    public async Task Read_Refuses_ManifestThatIsNotStrict(string manifest, string expected) =>
        await PipelineRefusals.AssertRefusedAsync(Build([File("manifest.json", Encoding.UTF8.GetBytes(manifest))]), expected);

    [Fact]
    public async Task Read_Refuses_ManifestWithInvalidUtf8()
    {
        var manifest = Manifest([(Path, Json("ns", "a"))]);
        var at = Encoding.UTF8.GetString(manifest).IndexOf("nightly", StringComparison.Ordinal);
        manifest[at] = 0xFF;

        await PipelineRefusals.AssertRefusedAsync(Build([File("manifest.json", manifest), File(Path, Json("ns", "a"))]), "manifest.json is not valid JSON: it is not valid UTF-8");
    }

    [Theory]
    [InlineData("""{"formatVersion":1,"name":"n","name":"m","policy":"p","trigger":"t","createdAt":"2026-01-01T00:00:00Z","encryption":{"enabled":false},"compression":{"algorithm":"gzip"},"sizes":{},"sha256":"x","payloadKey":"p/n.tar.gz"}""")]
    [InlineData("""{"formatVersion":1,"name":"n","policy":"p","trigger":"t","createdAt":"2026-01-01T00:00:00Z","encryption":{"enabled":false,"enabled":true},"compression":{"algorithm":"gzip"},"sizes":{},"sha256":"x","payloadKey":"p/n.tar.gz"}""")]
    public void MetaParse_Refuses_DuplicateKeys(string json)
    {
        var ex = Assert.Throws<InvalidBackupException>(() => BackupMeta.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("Duplicate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetaParse_Refuses_InvalidUtf8AndLoneSurrogates()
    {
        byte[] bad = [.. """{"formatVersion":1,"name":"""u8, (byte)'"', 0xFF, (byte)'"', (byte)'}'];

        Assert.Contains("not valid UTF-8", Assert.Throws<InvalidBackupException>(() => BackupMeta.Parse(bad)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidBackupException>(() => BackupMeta.Parse("""{"formatVersion":1,"name":"\udc00"}"""u8));
    }
}
