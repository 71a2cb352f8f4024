using System.Security.Cryptography;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>Random payloads and helpers to write and read them through a destination.</summary>
public static class StoragePayload
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>A writer that writes <paramref name="data"/> in odd-sized chunks, so part boundaries fall mid-chunk.</summary>
    public static Func<Stream, CancellationToken, Task> Writer(byte[] data, int chunk = 1_000_003) => async (stream, ct) =>
    {
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset)), ct);
        }
    };

    public static Task<long> PutAsync(this IBackupDestination destination, string key, byte[] data) =>
        destination.PutAsync(key, Writer(data), CancellationToken.None);

    public static async Task<byte[]> ReadAllAsync(this IBackupDestination destination, string key)
    {
        await using var stream = await destination.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static async Task<List<StoredObject>> ListAllAsync(this IBackupDestination destination, string prefix = "")
    {
        var items = new List<StoredObject>();
        await foreach (var item in destination.ListAsync(prefix, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }
}
