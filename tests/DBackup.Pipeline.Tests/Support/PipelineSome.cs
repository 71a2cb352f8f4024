using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>Builders for pipeline tests (named to stay clear of other helpers' Support files).</summary>
public static class PipelineSome
{
    public static readonly DateTimeOffset Time = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static BackupObject ConfigMap(string ns, string name, string? value = null, string component = "main")
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new Dictionary<string, object> { ["name"] = name, ["namespace"] = ns, ["labels"] = new Dictionary<string, string> { ["app"] = "demo" } },
            ["data"] = new Dictionary<string, string> { ["value"] = value ?? $"value of {name}" },
        });
        return new BackupObject(new ObjectRef(component, string.Empty, "v1", "configmaps", "ConfigMap", ns, name), json);
    }

    public static BackupObject Secret(string ns, string name, string secretValue) =>
        Raw(new ObjectRef("main", string.Empty, "v1", "secrets", "Secret", ns, name),
            $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"stringData":{"password":"{{{secretValue}}}"}}""");

    public static BackupObject Widget(string name) =>
        Raw(new ObjectRef("crs", "example.com", "v1", "widgets", "Widget", null, name),
            $$$"""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"{{{name}}}"},"spec":{"size":3}}""");

    public static BackupObject Raw(ObjectRef r, string json) => new(r, Encoding.UTF8.GetBytes(json));

    /// <summary>Seeded pseudo-random ConfigMaps, some larger than <paramref name="bigSize"/>.</summary>
    public static List<BackupObject> Many(int count, int seed = 42, int bigEvery = 0, int bigSize = 0)
    {
        var random = new Random(seed);
        var list = new List<BackupObject>(count);
        for (var i = 0; i < count; i++)
        {
            var length = bigEvery > 0 && i % bigEvery == 0 ? bigSize + random.Next(1, 5000) : random.Next(0, 400);
            var chars = new char[length];
            for (var c = 0; c < length; c++)
            {
                chars[c] = (char)random.Next(0x21, 0x7e);
            }

            var value = new string(chars).Replace("\\", "/", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal);
            list.Add(ConfigMap($"ns-{i % 7}", $"cm-{i:D5}", value, component: i % 3 == 0 ? "apps" : "main"));
        }

        return list;
    }

    public static async IAsyncEnumerable<BackupObject> Stream(IEnumerable<BackupObject> objects, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var o in objects)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return o;
        }
    }

    public static BackupRequest Request(EncryptionKey? key = null, bool secrets = false, int segmentSize = 64 * 1024) => new()
    {
        Policy = "nightly",
        Trigger = "manual",
        Cluster = "test-cluster",
        Key = key,
        ProfileName = key is null ? null : "profile",
        IncludesSecrets = secrets,
        SegmentSize = segmentSize,
        CreatedAt = Time,
    };

    /// <summary>Keys of the fixed seed key used across tests (never a real key).</summary>
    public static EncryptionKey Key(byte fill) => EncryptionKey.FromBytes(Enumerable.Repeat(fill, EncryptionKey.KeySize).ToArray());
}
