using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>Writes backups (payload + meta.json) straight into a destination, the way the pipeline names them.</summary>
public static class StorageBackups
{
    public static BackupMeta Meta(string policy, DateTimeOffset createdAt, string payloadKey, long payloadBytes) => new()
    {
        Name = BackupName.For(policy, createdAt),
        Policy = policy,
        Trigger = "schedule",
        CreatedAt = createdAt,
        CompletedAt = createdAt.AddSeconds(5),
        Encryption = EncryptionInfo.None,
        Compression = new CompressionInfo { Algorithm = "gzip", Level = "fastest" },
        Sizes = new SizeInfo { PayloadBytes = payloadBytes, TarBytes = payloadBytes * 3 },
        Objects = 3,
        Sha256 = new string('a', 64),
        PayloadKey = payloadKey,
    };

    /// <summary>Writes a payload and, unless <paramref name="withMeta"/> is false, its meta.json. Returns the payload key.</summary>
    public static async Task<string> WriteAsync(IBackupDestination destination, string policy, DateTimeOffset createdAt, bool withMeta = true, bool withPayload = true)
    {
        var payloadKey = BackupName.PayloadKey(policy, BackupName.For(policy, createdAt), compressed: true, encrypted: false);
        var payload = StoragePayload.Random(64, seed: createdAt.Second);
        if (withPayload)
        {
            await destination.PutAsync(payloadKey, payload);
        }

        if (withMeta)
        {
            await destination.PutAsync(BackupName.MetaKey(payloadKey), Meta(policy, createdAt, payloadKey, payload.Length).ToJsonBytes());
        }

        return payloadKey;
    }

    public static DateTimeOffset At(int day, int hour = 3) => new(2026, 1, day, hour, 0, 0, TimeSpan.Zero);
}
