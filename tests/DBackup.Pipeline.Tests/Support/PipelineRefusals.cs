using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>Asserts that every way of reading a backup refuses it with one line and emits nothing.</summary>
public static class PipelineRefusals
{
    public static BackupReader Reader(byte[] payload, ReadLimits? limits = null, BackupMeta? meta = null, KeyRing? keys = null) =>
        new(_ => Task.FromResult<Stream>(new MemoryStream(payload)), keys, meta, limits);

    /// <summary>
    /// Verify, stream (export), read-all (restore) and decrypt each fail with <see cref="InvalidBackupException"/>
    /// whose one-line message contains <paramref name="expected"/>; nothing is yielded, handed out or written.
    /// </summary>
    public static async Task<InvalidBackupException> AssertRefusedAsync(
        byte[] payload, string expected, ReadLimits? limits = null, BackupMeta? meta = null, KeyRing? keys = null)
    {
        var ex = await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(payload, limits, meta, keys).VerifyAsync(default));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);

        var emitted = 0;
        var streamed = await Assert.ThrowsAsync<InvalidBackupException>(async () =>
        {
            await foreach (var unused in Reader(payload, limits, meta, keys).ReadObjectsAsync())
            {
                emitted++;
            }
        });
        Assert.Equal(0, emitted);
        Assert.Equal(ex.Message, streamed.Message);

        IReadOnlyList<BackupObject>? all = null;
        var restored = await Assert.ThrowsAsync<InvalidBackupException>(async () => all = await Reader(payload, limits, meta, keys).ReadAllObjectsAsync(o => o));
        Assert.Null(all);
        Assert.Equal(ex.Message, restored.Message);

        using var output = new MemoryStream();
        var decrypted = await Assert.ThrowsAsync<InvalidBackupException>(() => Reader(payload, limits, meta, keys).DecryptToAsync(output, default));
        Assert.Equal(0, output.Length);
        Assert.Equal(ex.Message, decrypted.Message);
        return ex;
    }
}
