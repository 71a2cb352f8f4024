using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Pipeline;

/// <summary>meta.json is not authenticated, the payload header is: any disagreement is refused, even where no key is given.</summary>
public sealed class MetaHeaderTests
{
    private static readonly EncryptionKey Key = PipelineSome.Key(5);

    private static async Task<(byte[] Payload, BackupMeta Meta)> WriteAsync(EncryptionKey? key)
    {
        var destination = new InMemoryDestination();
        var result = await new BackupPipeline().WriteAsync(PipelineSome.Request(key, segmentSize: 1024),
            PipelineSome.Stream(PipelineSome.Many(20, seed: 4)), destination, default);
        return (destination.Get(result.PayloadKey), result.Meta);
    }

    public static TheoryData<string> Fields => ["keyId", "wrappedKey", "noncePrefix", "segmentSize", "algorithm"];

    private static BackupMeta Tamper(BackupMeta meta, string field) => field switch
    {
        "keyId" => meta with { Encryption = meta.Encryption with { KeyId = PipelineSome.Key(6).KeyId } },
        "wrappedKey" => meta with { Encryption = meta.Encryption with { WrappedKey = Convert.ToBase64String(new byte[60]) } },
        "noncePrefix" => meta with { Encryption = meta.Encryption with { NoncePrefix = Convert.ToBase64String(new byte[7]) } },
        "segmentSize" => meta with { Encryption = meta.Encryption with { SegmentSize = 2048 } },
        _ => meta with { Encryption = meta.Encryption with { Algorithm = "AES-128-CBC" } },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task ReadEncryption_Refuses_MetaThatContradictsTheHeader_WithoutAnyKey(string field)
    {
        var (payload, meta) = await WriteAsync(Key);
        var reader = PipelineRefusals.Reader(payload, meta: Tamper(meta, field));

        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => reader.ReadEncryptionAsync(default));

        Assert.Equal($"meta.json encryption.{field} does not match the payload header", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Read_Refuses_MetaThatContradictsTheHeader(string field)
    {
        var (payload, meta) = await WriteAsync(Key);

        await PipelineRefusals.AssertRefusedAsync(payload, $"encryption.{field} does not match the payload header", meta: Tamper(meta, field), keys: new KeyRing(Key));
        await Assert.ThrowsAsync<InvalidBackupException>(() => PipelineRefusals.Reader(payload, meta: Tamper(meta, field), keys: new KeyRing(Key)).InspectAsync(default));
    }

    [Fact]
    public async Task ReadEncryption_Refuses_MetaThatSaysEncryptedForAPlainPayload()
    {
        var (plain, plainMeta) = await WriteAsync(null);
        var (_, encryptedMeta) = await WriteAsync(Key);

        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() =>
            PipelineRefusals.Reader(plain, meta: plainMeta with { Encryption = encryptedMeta.Encryption }).ReadEncryptionAsync(default));

        Assert.Contains("says the payload is encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadEncryption_ReturnsTheHeader_WhenMetaAgrees()
    {
        var (payload, meta) = await WriteAsync(Key);

        var info = await PipelineRefusals.Reader(payload, meta: meta).ReadEncryptionAsync(default);

        Assert.Equal(meta.Encryption, info);
    }

    [Fact]
    public async Task Read_Refuses_MetaWhoseFormatVersionDiffersFromTheManifest()
    {
        var (payload, meta) = await WriteAsync(Key);

        await PipelineRefusals.AssertRefusedAsync(payload, "meta.json formatVersion does not match the backup", meta: meta with { FormatVersion = 2 }, keys: new KeyRing(Key));
    }
}
