using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Pipeline;

public sealed class BackupTamperTests
{
    private const int Segment = 1024;
    private static readonly EncryptionKey Key = PipelineSome.Key(3);

    private static async Task<(byte[] Payload, BackupMeta Meta)> WriteAsync(EncryptionKey? key = null)
    {
        var destination = new InMemoryDestination();
        var result = await new BackupPipeline().WriteAsync(PipelineSome.Request(key, segmentSize: Segment),
            PipelineSome.Stream(PipelineSome.Many(300, seed: 9)), destination, default);
        return (destination.Get(result.PayloadKey), result.Meta);
    }

    private static BackupReader Reader(byte[] payload, BackupMeta? meta, EncryptionKey? key = null) =>
        new(_ => Task.FromResult<Stream>(new MemoryStream(payload)), new KeyRing(key ?? Key), meta);

    private static async Task<int> AssertFailsAsync(byte[] payload, BackupMeta? meta)
    {
        await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(payload, meta).VerifyAsync(default));
        var emitted = 0;
        await Assert.ThrowsAsync<InvalidBackupException>(async () =>
        {
            await foreach (var unused in Reader(payload, meta).ReadObjectsAsync())
            {
                emitted++;
            }
        });
        Assert.Equal(0, emitted);
        await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(payload, meta).ReadAllObjectsAsync(o => o));

        // Mapping runs while the read goes on; a failed read still reports itself, not what the mapping did.
        await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(payload, meta).ReadAllObjectsAsync<int>(_ => throw new InvalidOperationException("mapped")));
        return emitted;
    }

    [Fact]
    public async Task Verify_Fails_WhenOneBitFlipsInAnyRegion()
    {
        var (payload, meta) = await WriteAsync(Key);
        var header = SegmentHeader.FixedPrefixSize + payload[19] + SegmentHeader.WrappedBlobSize;
        var sealedSize = Segment + SegmentHeader.TagSize;
        var segments = (payload.Length - header + sealedSize - 1) / sealedSize;
        Assert.True(segments > 10);
        var offsets = new List<int> { 0, 6, 9, 14, 21, header - 30, header - 1 }; // magic, version, segment size, nonce prefix, key id, wrapped key, tag
        offsets.Add(header + 5);                                 // first segment
        offsets.Add(header + sealedSize * (segments / 2) + 100);  // middle segment
        offsets.Add(header + sealedSize * (segments / 2) + sealedSize - 3); // middle segment tag
        offsets.Add(header + sealedSize * (segments - 1) + 1);    // last segment
        offsets.Add(payload.Length - 1);                          // last tag

        foreach (var offset in offsets)
        {
            var copy = (byte[])payload.Clone();
            copy[offset] ^= 0x04;
            await AssertFailsAsync(copy, meta);
            await AssertFailsAsync(copy, null);
        }

        Assert.Equal(300, (await Reader(payload, meta).VerifyAsync(default)).Objects);
    }

    [Fact]
    public async Task Verify_Fails_WhenTruncatedAtSeveralOffsets()
    {
        foreach (var key in new[] { Key, null })
        {
            var (payload, meta) = await WriteAsync(key);
            foreach (var length in new[] { 1, 50, 200, payload.Length / 3, payload.Length / 2, payload.Length - 17, payload.Length - 1 })
            {
                await AssertFailsAsync(payload[..length], meta);
                if (key is not null)
                {
                    await AssertFailsAsync(payload[..length], null);
                }
            }
        }
    }

    [Fact]
    public async Task Verify_Fails_WhenTwoSegmentsAreSwapped()
    {
        var (payload, meta) = await WriteAsync(Key);
        var header = SegmentHeader.FixedPrefixSize + payload[19] + SegmentHeader.WrappedBlobSize;
        var size = Segment + SegmentHeader.TagSize;
        var copy = (byte[])payload.Clone();
        payload.AsSpan(header + 2 * size, size).CopyTo(copy.AsSpan(header + 3 * size));
        payload.AsSpan(header + 3 * size, size).CopyTo(copy.AsSpan(header + 2 * size));

        await AssertFailsAsync(copy, meta);
        await AssertFailsAsync(copy, null);
    }

    [Fact]
    public async Task Verify_Fails_WhenMetaIsTampered()
    {
        var (payload, meta) = await WriteAsync(Key);
        var other = EncryptionKey.Generate();
        // The payload's hash is random (fresh data key and nonces), so change its first digit to one it is not.
        var otherDigit = meta.Sha256[0] == '0' ? "1" : "0";
        BackupMeta[] tampered =
        [
            meta with { Sha256 = otherDigit + meta.Sha256[1..] },
            meta with { Sizes = meta.Sizes with { PayloadBytes = meta.Sizes.PayloadBytes + 1 } },
            meta with { Sizes = meta.Sizes with { TarBytes = meta.Sizes.TarBytes - 1 } },
            meta with { Objects = meta.Objects + 1 },
            meta with { Policy = "nightlz" },
            meta with { Trigger = "schedule" },
            meta with { IncludesSecrets = !meta.IncludesSecrets },
            meta with { CreatedAt = meta.CreatedAt.AddSeconds(1) },
            meta with { Components = new Dictionary<string, long> { ["main"] = 300 } },
            meta with { Encryption = meta.Encryption with { KeyId = other.KeyId } },
            meta with { Encryption = meta.Encryption with { WrappedKey = Convert.ToBase64String(new byte[60]) } },
            meta with { Encryption = meta.Encryption with { NoncePrefix = Convert.ToBase64String(new byte[7]) } },
            meta with { Encryption = meta.Encryption with { SegmentSize = 2048 } },
            meta with { Encryption = EncryptionInfo.None },
            meta with { Compression = new CompressionInfo { Algorithm = "none" } },
        ];
        foreach (var bad in tampered)
        {
            await AssertFailsAsync(payload, bad);
        }
    }

    [Fact]
    public async Task Verify_Fails_WhenMetaSaysEncryptedButPayloadIsNot()
    {
        var (plain, plainMeta) = await WriteAsync(null);
        var (encrypted, encryptedMeta) = await WriteAsync(Key);

        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(plain, plainMeta with { Encryption = encryptedMeta.Encryption }).VerifyAsync(default));
        Assert.Contains("says the payload is encrypted", ex.Message, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(encrypted, encryptedMeta with { Encryption = EncryptionInfo.None }).VerifyAsync(default));
        Assert.Contains("says the payload is not encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NamesExpectedKeyId_WhenKeyIsWrong()
    {
        var (payload, meta) = await WriteAsync(Key);
        var wrong = PipelineSome.Key(99);

        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(payload, meta, wrong).VerifyAsync(default));

        Assert.Contains(Key.KeyId, ex.Message, StringComparison.Ordinal);
        Assert.Contains(wrong.KeyId, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PicksPreviousKeyByKeyId_FromRing()
    {
        var (payload, meta) = await WriteAsync(Key);
        var ring = new KeyRing(PipelineSome.Key(100), Key, PipelineSome.Key(101));

        var result = await new BackupReader(_ => Task.FromResult<Stream>(new MemoryStream(payload)), ring, meta).VerifyAsync(default);

        Assert.Equal(Key.KeyId, result.KeyId);
        Assert.Equal(300, result.Objects);
    }

    [Fact]
    public async Task Decrypt_WritesPlainTarGz_ThatVerifiesWithoutKey()
    {
        var (payload, meta) = await WriteAsync(Key);
        var output = new MemoryStream();

        var verification = await Reader(payload, meta).DecryptToAsync(output, default);

        Assert.Equal(0x1f, output.ToArray()[0]);
        var plain = await new BackupReader(_ => Task.FromResult<Stream>(new MemoryStream(output.ToArray()))).VerifyAsync(default);
        Assert.Equal(verification.Objects, plain.Objects);
        Assert.Equal(verification.Manifest.Entries, plain.Manifest.Entries);
    }

    [Fact]
    public async Task ReadEncryption_NamesKeyId_WithoutAnyKey()
    {
        var (payload, meta) = await WriteAsync(Key);
        var (plain, _) = await WriteAsync(null);

        var info = await new BackupReader(_ => Task.FromResult<Stream>(new MemoryStream(payload))).ReadEncryptionAsync(default);
        var none = await new BackupReader(_ => Task.FromResult<Stream>(new MemoryStream(plain))).ReadEncryptionAsync(default);

        Assert.Equal(meta.Encryption with { Profile = null }, info);
        Assert.False(none.Enabled);
    }

    [Fact]
    public async Task Inspect_ReadsManifestOnly_WithoutMeta()
    {
        var (payload, _) = await WriteAsync(Key);

        var inspection = await Reader(payload, null).InspectAsync(default);

        Assert.True(inspection.Encrypted);
        Assert.Equal(Key.KeyId, inspection.KeyId);
        Assert.Equal(Segment, inspection.SegmentSize);
        Assert.Equal(300, inspection.Manifest.Entries.Count);
    }
}
