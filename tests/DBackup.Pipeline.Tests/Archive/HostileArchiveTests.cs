using System.Formats.Tar;
using System.Text;
using DBackup.Pipeline.Tests.Support;
using static DBackup.Pipeline.Tests.Support.PipelineHostileTar;

namespace DBackup.Pipeline.Tests.Archive;

public sealed class HostileArchiveTests
{
    private const string GoodPath = "main/core/configmaps/ns/a.json";
    private static readonly byte[] GoodJson = Json("ns", "a");

    private static Task<BackupVerification> VerifyAsync(byte[] payload, ReadLimits? limits = null) =>
        PipelineRefusals.Reader(payload, limits).VerifyAsync(default);

    private static Task AssertRefusedAsync(byte[] payload, string expected, ReadLimits? limits = null) =>
        PipelineRefusals.AssertRefusedAsync(payload, expected, limits);

    [Fact]
    public async Task Verify_Accepts_HandBuiltValidArchive()
    {
        var result = await VerifyAsync(Valid((GoodPath, GoodJson), ("main/core/namespaces/_cluster/b.json", Encoding.UTF8.GetBytes("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}}"""))));

        Assert.Equal(2, result.Objects);
        Assert.False(result.Encrypted);
    }

    [Theory]
    // Paths that escape or are not portable.
    [InlineData("main/core/configmaps/../../etc.json", "unsafe path")]
    [InlineData("../core/configmaps/ns/a.json", "unsafe path")]
    [InlineData("/main/core/configmaps/ns/a.json", "absolute")]
    [InlineData("main\\core\\configmaps\\ns\\a.json", "absolute or non-portable")]
    [InlineData("C:/core/configmaps/ns/a.json", "absolute or non-portable")]
    // Wrong shape.
    [InlineData("main/core/configmaps/a.json", "is not of the form")]
    [InlineData("main/core/configmaps/ns/a.yaml", "is not of the form")]
    [InlineData("main//configmaps/ns/a.json", "unsafe path")]
    public async Task Verify_Refuses_UnsafeEntryPaths(string path, string expected) =>
        await AssertRefusedAsync(Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), File(path, GoodJson)]), expected);

    [Theory]
    [InlineData(TarEntryType.SymbolicLink)]
    [InlineData(TarEntryType.HardLink)]
    [InlineData(TarEntryType.Directory)]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public async Task Verify_Refuses_NonFileEntries(TarEntryType type)
    {
        var entry = new PaxTarEntry(type, GoodPath);
        if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            entry.LinkName = "/etc/passwd";
        }

        await AssertRefusedAsync(Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), entry]), "only regular files");
    }

    [Fact]
    public async Task Verify_Refuses_LinkAsManifest()
    {
        var link = new PaxTarEntry(TarEntryType.SymbolicLink, "manifest.json") { LinkName = "/etc/passwd" };

        await AssertRefusedAsync(Build([link]), "only regular files");
    }

    [Fact]
    public async Task Verify_Refuses_EntryNotInManifest() =>
        await AssertRefusedAsync(
            Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), File(GoodPath, GoodJson), File("main/core/configmaps/ns/x.json", Json("ns", "x"))]),
            "is not listed in the manifest");

    [Fact]
    public async Task Verify_Refuses_MissingManifestEntry() =>
        await AssertRefusedAsync(
            Build([File("manifest.json", Manifest([(GoodPath, GoodJson), ("main/core/configmaps/ns/x.json", Json("ns", "x"))])), File(GoodPath, GoodJson)]),
            "does not contain it");

    [Fact]
    public async Task Verify_Refuses_DuplicatedEntry() =>
        await AssertRefusedAsync(
            Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), File(GoodPath, GoodJson), File(GoodPath, GoodJson)]),
            "out of manifest order or duplicated");

    [Fact]
    public async Task Verify_Refuses_ChangedEntryBytes() =>
        await AssertRefusedAsync(
            Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), File(GoodPath, Json("ns", "b"))]),
            "does not match its manifest");

    [Theory]
    [InlineData("{not json", "is not valid JSON")]
    [InlineData("[1,2]", "is not a JSON object")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"}} trailing""", "is not valid JSON")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"namespace":"ns"}}""", "lacks apiVersion, kind or metadata.name")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","namespace":"ns"}}""", "does not match its path")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other","namespace":"ns"}}""", "does not match its path")]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"elsewhere"}}""", "does not match its path")]
    public async Task Verify_Refuses_BadEntryJson(string json, string expected) =>
        await AssertRefusedAsync(Valid((GoodPath, Encoding.UTF8.GetBytes(json))), expected);

    [Theory]
    [InlineData("{not json", "manifest.json is not valid JSON")]
    [InlineData("""{"formatVersion":99,"policy":"p","trigger":"t","createdAt":"2026-01-01T00:00:00Z"}""", "format version 99")]
    [InlineData("""{"formatVersion":1,"createdAt":"2026-01-01T00:00:00Z"}""", "manifest.json is not valid JSON")]
    [InlineData("""{"formatVersion":1,"policy":"p","trigger":"t","createdAt":"2026-01-01T00:00:00Z","entries":null}""", "lacks required fields")]
    public async Task Verify_Refuses_BadManifest(string manifest, string expected) =>
        await AssertRefusedAsync(Build([File("manifest.json", Encoding.UTF8.GetBytes(manifest))]), expected);

    [Fact]
    public async Task Verify_Refuses_ManifestWithWrongDigest()
    {
        var manifest = Encoding.UTF8.GetString(Manifest([(GoodPath, GoodJson)]));
        var component = System.Text.RegularExpressions.Regex.Match(manifest, "\"sha256\": \"([0-9a-f]{64})\",\\s*\"resources\"").Groups[1].Value;
        var tampered = manifest.Replace(component, new string('0', 64), StringComparison.Ordinal);

        await AssertRefusedAsync(Build([File("manifest.json", Encoding.UTF8.GetBytes(tampered)), File(GoodPath, GoodJson)]), "does not match its entries");
    }

    [Fact]
    public async Task Verify_Refuses_ManifestNotFirst() =>
        await AssertRefusedAsync(Build([File(GoodPath, GoodJson), File("manifest.json", Manifest([(GoodPath, GoodJson)]))]), "not manifest.json");

    [Fact]
    public async Task Verify_Refuses_EmptyArchiveAndEmptyPayload()
    {
        await AssertRefusedAsync(new byte[1024], "no manifest.json");
        await AssertRefusedAsync([], "the payload is empty");
    }

    [Fact]
    public async Task Verify_Refuses_EntryLargerThanLimit() =>
        await AssertRefusedAsync(Valid((GoodPath, GoodJson)), "exceeds the entry size limit", ReadLimits.Default with { MaxEntryBytes = 20 });

    [Fact]
    public async Task Verify_Refuses_EntryLargerThanItsManifestSize() =>
        await AssertRefusedAsync(
            Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), File(GoodPath, [.. GoodJson, .. new byte[100_000]])]),
            "more than expected or allowed");

    [Fact]
    public async Task Verify_Refuses_TooManyEntries() =>
        await AssertRefusedAsync(Valid((GoodPath, GoodJson), ("main/core/configmaps/ns/x.json", Json("ns", "x"))), "more than the limit of 1",
            ReadLimits.Default with { MaxEntries = 1 });

    [Fact]
    public async Task Verify_Refuses_ManifestLargerThanLimit() =>
        await AssertRefusedAsync(Valid((GoodPath, GoodJson)), "manifest.json has", ReadLimits.Default with { MaxManifestBytes = 100 });

    [Fact]
    public async Task Verify_Refuses_DecompressionBomb()
    {
        // 64 MiB of zeros compresses to ~64 KiB; the total cap stops reading long before memory or time matter.
        var bomb = new byte[64 * 1024 * 1024];
        var payload = Valid(("main/core/configmaps/ns/zero.json", bomb));
        Assert.True(payload.Length < 1024 * 1024);

        await AssertRefusedAsync(payload, "decompression bomb", ReadLimits.Default with { MaxTotalBytes = 1024 * 1024 });
    }

    [Fact]
    public async Task Verify_Refuses_HugePaxHeader()
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, GoodPath, new Dictionary<string, string> { ["comment"] = new string('x', 200_000) })
        {
            DataStream = new MemoryStream(GoodJson),
        };

        await AssertRefusedAsync(Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), entry]), "tar metadata header");
    }

    [Fact]
    public async Task Verify_Refuses_HugeGnuLongName()
    {
        var name = "main/core/configmaps/ns/" + new string('n', 100_000) + ".json";
        var entry = new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(GoodJson) };

        await AssertRefusedAsync(Build([File("manifest.json", Manifest([(GoodPath, GoodJson)])), entry]), "tar metadata header");
    }

    [Fact]
    public async Task Verify_Accepts_PaxSizeOverride()
    {
        // A PAX 'size' record overrides the header size; the guard must follow it to stay in step.
        var big = Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"},\"data\":{\"x\":\"" + new string('y', 5000) + "\"}}");
        var entry = new PaxTarEntry(TarEntryType.RegularFile, GoodPath, new Dictionary<string, string> { ["size"] = big.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            DataStream = new MemoryStream(big),
        };

        var result = await VerifyAsync(Build([File("manifest.json", Manifest([(GoodPath, big)])), entry]));

        Assert.Equal(1, result.Objects);
    }

    [Fact]
    public async Task Verify_Refuses_EndlessTrailingData()
    {
        var payload = Valid((GoodPath, GoodJson));
        var padded = payload.Concat(new byte[3 * 1024 * 1024]).ToArray();

        await AssertRefusedAsync(padded, "larger than the", ReadLimits.Default with { MaxTotalBytes = 1024 * 1024 });
    }

    [Fact]
    public async Task Verify_Refuses_CorruptGzip()
    {
        var payload = Valid((GoodPath, GoodJson));
        payload[payload.Length / 2] ^= 0xff;

        await Assert.ThrowsAsync<InvalidBackupException>(() => VerifyAsync(payload));
    }

    [Fact]
    public async Task Verify_Refuses_GarbageThatIsNotATar() =>
        await Assert.ThrowsAsync<InvalidBackupException>(() => VerifyAsync(Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray()));
}
