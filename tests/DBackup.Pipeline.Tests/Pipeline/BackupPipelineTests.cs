using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Pipeline;

public sealed class BackupPipelineTests
{
    private static readonly EncryptionKey TestKey = PipelineSome.Key(7);

    [Theory]
    // Objects, encrypted, compression, segment size.
    [InlineData(0, true, CompressionAlgorithm.Gzip, 1024)]
    [InlineData(0, false, CompressionAlgorithm.None, 65536)]
    [InlineData(1, true, CompressionAlgorithm.Gzip, 65536)]
    [InlineData(1, false, CompressionAlgorithm.Gzip, 65536)]
    [InlineData(1, true, CompressionAlgorithm.None, 1024)]
    [InlineData(2000, true, CompressionAlgorithm.Gzip, 1024)]
    [InlineData(2000, false, CompressionAlgorithm.None, 65536)]
    public async Task WriteAsync_RoundTripsEveryObject_ForSizesAndSettings(int count, bool encrypted, CompressionAlgorithm compression, int segmentSize)
    {
        var objects = PipelineSome.Many(count, seed: count, bigEvery: 97, bigSize: 3 * segmentSize);
        var destination = new InMemoryDestination();
        var request = PipelineSome.Request(encrypted ? TestKey : null, segmentSize: segmentSize) with { Compression = compression };

        var result = await new BackupPipeline().WriteAsync(request, PipelineSome.Stream(objects), destination, default);

        var expectedKey = $"nightly/nightly-20260102T030405Z.tar{(compression == CompressionAlgorithm.Gzip ? ".gz" : "")}{(encrypted ? ".enc" : "")}";
        Assert.Equal(expectedKey, result.PayloadKey);
        Assert.Equal(expectedKey + ".meta.json", result.MetaKey);
        Assert.Equal([result.PayloadKey, result.MetaKey], destination.PutLog.ToArray());
        Assert.Equal(count, result.Meta.Objects);
        Assert.Equal(encrypted, result.Meta.Encryption.Enabled);
        Assert.Equal(destination.Get(result.PayloadKey).Length, result.Meta.Sizes.PayloadBytes);

        var reader = await BackupReader.FromDestinationAsync(destination, result.MetaKey, new KeyRing(TestKey));
        var read = new List<BackupObject>();
        await foreach (var obj in reader.ReadObjectsAsync())
        {
            read.Add(obj);
        }

        Assert.Equal(objects.Select(o => o.Ref), read.Select(o => o.Ref));
        Assert.True(objects.Zip(read).All(p => p.First.Json.Span.SequenceEqual(p.Second.Json.Span)));
        var inOnePass = await reader.ReadAllObjectsAsync(o => o);
        Assert.Equal(objects.Select(o => o.Ref), inOnePass.Select(o => o.Ref));
        Assert.True(objects.Zip(inOnePass).All(p => p.First.Json.Span.SequenceEqual(p.Second.Json.Span)));
        Assert.Equal(objects.Select(o => o.Ref.Name), await reader.ReadAllObjectsAsync(o => o.Ref.Name));
        var verification = await reader.VerifyAsync(default);
        Assert.Equal(result.Meta.Sha256, verification.PayloadSha256);
        Assert.Equal(count, verification.Objects);
    }

    [Fact]
    public async Task ReadAllObjects_PassesOnTheMappingsOwnFailure_FromAGoodBackup()
    {
        var destination = new InMemoryDestination();
        var result = await new BackupPipeline().WriteAsync(PipelineSome.Request(), PipelineSome.Stream(PipelineSome.Many(600, seed: 4)), destination, default);
        var reader = await BackupReader.FromDestinationAsync(destination, result.MetaKey);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadAllObjectsAsync<int>(
            o => o.Ref.Name.EndsWith('7') ? throw new InvalidOperationException($"cannot map {o.Ref.Name}") : 0));
        Assert.StartsWith("cannot map", e.Message);
    }

    [Fact]
    public async Task WriteAsync_PutsManifestFirstWithCountsAndDigests()
    {
        var objects = new[] { PipelineSome.ConfigMap("a", "one"), PipelineSome.Widget("w1"), PipelineSome.ConfigMap("b", "two") };
        var destination = new InMemoryDestination();
        var result = await new BackupPipeline().WriteAsync(PipelineSome.Request(), PipelineSome.Stream(objects), destination, default);

        await using var gzip = new GZipStream(new MemoryStream(destination.Get(result.PayloadKey)), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
        }

        Assert.Equal(["manifest.json", "main/core/configmaps/a/one.json", "crs/example.com/widgets/_cluster/w1.json", "main/core/configmaps/b/two.json"], names);
        var inspection = await (await BackupReader.FromDestinationAsync(destination, result.PayloadKey)).InspectAsync(default);
        var manifest = inspection.Manifest;
        Assert.Equal("nightly", manifest.Policy);
        Assert.Equal("manual", manifest.Trigger);
        Assert.Equal("test-cluster", manifest.Cluster);
        Assert.Equal(PipelineSome.Time, manifest.CreatedAt);
        Assert.Equal(3, manifest.Objects);
        Assert.Equal(2, manifest.Components["main"].Objects);
        Assert.Equal(2, manifest.Components["main"].Resources["core/configmaps"].Objects);
        Assert.Equal(1, manifest.Components["crs"].Resources["example.com/widgets"].Objects);
        Assert.Equal(64, manifest.Components["crs"].Sha256.Length);
        Assert.Equal(new Dictionary<string, long> { ["crs"] = 1, ["main"] = 2 }, result.Meta.Components);
    }

    [Fact]
    public async Task WriteAsync_WritesTarGzThatSystemTarReads()
    {
        var objects = PipelineSome.Many(1500, seed: 5, bigEvery: 100, bigSize: 300_000);
        var destination = new InMemoryDestination();
        var result = await new BackupPipeline().WriteAsync(PipelineSome.Request(), PipelineSome.Stream(objects), destination, default);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, destination.Get(result.PayloadKey));
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("tar", ["-tzf", file]) { RedirectStandardOutput = true })!;
            var listing = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.Equal(0, process.ExitCode);
            Assert.Equal(["manifest.json", .. objects.Select(o => o.Ref.ArchivePath)], listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task WriteAsync_FillsEveryMetaField_WhenEncrypted()
    {
        var destination = new InMemoryDestination();
        var result = await new BackupPipeline().WriteAsync(PipelineSome.Request(TestKey, secrets: true), PipelineSome.Stream([PipelineSome.ConfigMap("a", "b")]), destination, default);
        var meta = BackupMeta.Parse(destination.Get(result.MetaKey));

        Assert.Equal(result.Meta, meta with { Components = result.Meta.Components });
        Assert.Equal("nightly-20260102T030405Z", meta.Name);
        Assert.Equal("AES-256-GCM-SEG", meta.Encryption.Algorithm);
        Assert.Equal(TestKey.KeyId, meta.Encryption.KeyId);
        Assert.Equal("profile", meta.Encryption.Profile);
        Assert.Equal(60, Convert.FromBase64String(meta.Encryption.WrappedKey!).Length);
        Assert.Equal(7, Convert.FromBase64String(meta.Encryption.NoncePrefix!).Length);
        Assert.Equal(65536, meta.Encryption.SegmentSize);
        Assert.Equal("gzip", meta.Compression.Algorithm);
        Assert.Equal("optimal", meta.Compression.Level);
        Assert.True(meta.IncludesSecrets);
        Assert.True(meta.Sizes.TarBytes > meta.Sizes.PayloadBytes / 2);
        Assert.NotNull(meta.CompletedAt);
        Assert.Equal(BackupPipeline.ToolVersion, meta.ToolVersion);
        Assert.Equal(64, meta.Sha256.Length);
    }

    [Fact]
    public async Task WriteAsync_Throws_WhenSecretsWouldBeUnencrypted()
    {
        var destination = new InMemoryDestination();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            new BackupPipeline().WriteAsync(PipelineSome.Request(secrets: true), PipelineSome.Stream([]), destination, default));

        Assert.Contains("unencrypted", ex.Message, StringComparison.Ordinal);
        Assert.Empty(destination.Keys);
    }

    [Fact]
    public async Task WriteAsync_PicksSuffixedName_WhenSameSecondExists()
    {
        var destination = new InMemoryDestination();
        var pipeline = new BackupPipeline();
        var first = await pipeline.WriteAsync(PipelineSome.Request(), PipelineSome.Stream([]), destination, default);
        var second = await pipeline.WriteAsync(PipelineSome.Request(), PipelineSome.Stream([]), destination, default);
        var third = await pipeline.WriteAsync(PipelineSome.Request(), PipelineSome.Stream([]), destination, default);

        Assert.Equal("nightly-20260102T030405Z", first.Name);
        Assert.Equal("nightly-20260102T030405Z-2", second.Name);
        Assert.Equal("nightly-20260102T030405Z-3", third.Name);
        Assert.True(BackupName.TryParseKey(third.MetaKey, out _, out var parsed, out _));
        Assert.Equal(third.Name, parsed);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("x..y")]
    [InlineData("")]
    [InlineData("back\\slash")]
    public async Task WriteAsync_RejectsUnsafeNames(string name)
    {
        var destination = new InMemoryDestination();
        var bad = PipelineSome.Raw(new ObjectRef("main", "", "v1", "configmaps", "ConfigMap", "ns", name), "{}");

        await Assert.ThrowsAsync<ArgumentException>(() =>
            new BackupPipeline().WriteAsync(PipelineSome.Request(), PipelineSome.Stream([bad]), destination, default));
        Assert.Empty(destination.Keys);
    }

    [Theory]
    [InlineData("core", "ns")]
    [InlineData("", "_cluster")]
    public async Task WriteAsync_RejectsReservedFolderNames(string group, string ns)
    {
        var apiVersion = group.Length == 0 ? "v1" : $"{group}/v1";
        var bad = PipelineSome.Raw(new ObjectRef("main", group, "v1", "things", "Thing", ns, "a"),
            $$$"""{"apiVersion":"{{{apiVersion}}}","kind":"Thing","metadata":{"name":"a","namespace":"{{{ns}}}"}}""");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            new BackupPipeline().WriteAsync(PipelineSome.Request(), PipelineSome.Stream([bad]), new InMemoryDestination(), default));
        Assert.Contains("reserves", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_RejectsDuplicatePaths()
    {
        var destination = new InMemoryDestination();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => new BackupPipeline().WriteAsync(PipelineSome.Request(),
            PipelineSome.Stream([PipelineSome.ConfigMap("a", "x"), PipelineSome.ConfigMap("a", "y"), PipelineSome.ConfigMap("a", "x")]), destination, default));

        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
        Assert.Empty(destination.Keys);
    }

    [Fact]
    public async Task WriteAsync_RejectsJsonThatDisagreesWithRef()
    {
        var wrong = PipelineSome.Raw(new ObjectRef("main", "", "v1", "configmaps", "ConfigMap", "ns", "a"),
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"ns"}}""");

        await Assert.ThrowsAsync<ArgumentException>(() =>
            new BackupPipeline().WriteAsync(PipelineSome.Request(), PipelineSome.Stream([wrong]), new InMemoryDestination(), default));
    }

    [Fact]
    public async Task WriteAsync_NeverStoresCanaryInClear_WhenEncrypted()
    {
        const string canary = "canary-7f3a9c";
        var destination = new InMemoryDestination();
        var objects = Enumerable.Range(0, 50).Select(i => PipelineSome.Secret("ns", $"s{i}", canary)).ToList();
        var result = await new BackupPipeline().WriteAsync(
            PipelineSome.Request(TestKey, secrets: true) with { Compression = CompressionAlgorithm.None }, PipelineSome.Stream(objects), destination, default);

        foreach (var key in destination.Keys)
        {
            Assert.DoesNotContain(canary, Encoding.UTF8.GetString(destination.Get(key)), StringComparison.Ordinal);
            Assert.DoesNotContain(canary, Encoding.Latin1.GetString(destination.Get(key)), StringComparison.Ordinal);
        }

        var reader = await BackupReader.FromDestinationAsync(destination, result.PayloadKey, new KeyRing(TestKey));
        var first = await reader.ReadObjectsAsync().FirstAsync();
        Assert.Contains(canary, Encoding.UTF8.GetString(first.Json.Span), StringComparison.Ordinal);
    }
}
