using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Pipeline;

public sealed class BackupRekeyerTests
{
    private static readonly EncryptionKey OldKey = PipelineSome.Key(11);
    private static readonly EncryptionKey NewKey = PipelineSome.Key(12);

    private static async Task<(InMemoryDestination Destination, BackupResult Result)> WriteAsync(EncryptionKey? key)
    {
        var destination = new InMemoryDestination();
        var result = await new BackupPipeline().WriteAsync(PipelineSome.Request(key, segmentSize: 2048),
            PipelineSome.Stream(PipelineSome.Many(150, seed: 3, bigEvery: 50, bigSize: 5000)), destination, default);
        return (destination, result);
    }

    private static async Task<List<BackupObject>> ReadAllAsync(InMemoryDestination destination, string key, EncryptionKey? encryptionKey)
    {
        var reader = await BackupReader.FromDestinationAsync(destination, key, encryptionKey is null ? null : new KeyRing(encryptionKey));
        var list = new List<BackupObject>();
        await foreach (var obj in reader.ReadObjectsAsync())
        {
            list.Add(obj);
        }

        return list;
    }

    [Fact]
    public async Task Rekey_ReencryptsUnderNewKey_AndOldKeyNoLongerWorks()
    {
        var (destination, original) = await WriteAsync(OldKey);
        var before = await ReadAllAsync(destination, original.MetaKey, OldKey);

        var result = await new BackupRekeyer().RekeyAsync(destination, original.MetaKey, new KeyRing(OldKey), NewKey, "new-profile");

        Assert.False(result.Skipped);
        Assert.Equal(original.PayloadKey, result.PayloadKey);
        Assert.Equal(NewKey.KeyId, result.Meta.Encryption.KeyId);
        Assert.Equal("new-profile", result.Meta.Encryption.Profile);
        Assert.NotEqual(original.Meta.Encryption.WrappedKey, result.Meta.Encryption.WrappedKey);
        Assert.Equal(BackupMeta.Parse(destination.Get(result.MetaKey)).Sha256, result.Meta.Sha256);
        var after = await ReadAllAsync(destination, result.MetaKey, NewKey);
        Assert.Equal(before.Select(o => o.Ref), after.Select(o => o.Ref));
        Assert.True(before.Zip(after).All(p => p.First.Json.Span.SequenceEqual(p.Second.Json.Span)));
        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => ReadAllAsync(destination, result.MetaKey, OldKey));
        Assert.Contains(NewKey.KeyId, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rekey_EncryptsUnencryptedBackup_AndRemovesTheClearOne()
    {
        var (destination, original) = await WriteAsync(null);

        var result = await new BackupRekeyer().RekeyAsync(destination, original.PayloadKey, KeyRing.Empty, NewKey);

        Assert.Equal(original.PayloadKey + ".enc", result.PayloadKey);
        Assert.Equal([result.PayloadKey, result.MetaKey], destination.Keys);
        Assert.True(result.Meta.Encryption.Enabled);
        Assert.Equal(150, (await ReadAllAsync(destination, result.MetaKey, NewKey)).Count);
    }

    [Fact]
    public async Task Rekey_Skips_WhenAlreadyUnderNewKey()
    {
        var (destination, original) = await WriteAsync(NewKey);
        var payload = destination.Get(original.PayloadKey);

        var result = await new BackupRekeyer().RekeyAsync(destination, original.MetaKey, new KeyRing(NewKey), NewKey);

        Assert.True(result.Skipped);
        Assert.Equal(payload, destination.Get(original.PayloadKey));
    }

    [Fact]
    public async Task Rekey_LeavesOldBackupIntact_WhenItFailsVerification()
    {
        var (destination, original) = await WriteAsync(OldKey);
        var payload = destination.Get(original.PayloadKey);
        payload[^5] ^= 1;
        var meta = destination.Get(original.MetaKey);

        await Assert.ThrowsAsync<InvalidBackupException>(() => new BackupRekeyer().RekeyAsync(destination, original.MetaKey, new KeyRing(OldKey), NewKey));

        Assert.Same(payload, destination.Get(original.PayloadKey));
        Assert.Same(meta, destination.Get(original.MetaKey));
        Assert.Empty(destination.Aborted);
    }
}
