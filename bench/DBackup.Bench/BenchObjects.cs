using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DBackup.Pipeline.Archive;

namespace DBackup.Bench;

/// <summary>Realistic ConfigMap-like objects for the pipeline benchmark.</summary>
internal static class BenchObjects
{
    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "replicas", "timeout", "endpoint", "enabled", "region", "cache", "retry", "backoff", "tls", "metrics", "logging", "level", "debug", "info", "warn"];

    /// <summary>
    /// ConfigMap-like objects of ~2.7 KiB generated lazily (never all in memory) from 1,000 varied bodies, so that
    /// producing them costs little next to the pipeline; repeats are ~2.7 MB apart, far outside gzip's 32 KiB window.
    /// </summary>
    public static async IAsyncEnumerable<BackupObject> Create(int n, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var templates = Templates.Value;
        for (var i = 0; i < n; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (ns, prefix, suffix) = templates[i % templates.Length];
            var name = $"{Words[i % Words.Length]}-config-{i:D7}";
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var json = new byte[prefix.Length + nameBytes.Length + suffix.Length];
            prefix.CopyTo(json, 0);
            nameBytes.CopyTo(json, prefix.Length);
            suffix.CopyTo(json, prefix.Length + nameBytes.Length);
            yield return new BackupObject(new ObjectRef("bench", string.Empty, "v1", "configmaps", "ConfigMap", ns, name), json);
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }
        }
    }

    private static readonly Lazy<(string Ns, byte[] Prefix, byte[] Suffix)[]> Templates = new(() =>
    {
        var random = new Random(1234);
        return Enumerable.Range(0, 1000).Select(_ => Template(random)).ToArray();
    });

    private static (string Ns, byte[] Prefix, byte[] Suffix) Template(Random random)
    {
        var ns = $"team-{random.Next(40):D2}";
        var data = new Dictionary<string, string>();
        var size = 0;
        while (size < 2000)
        {
            var keyName = $"{Words[random.Next(Words.Length)]}.{Words[random.Next(Words.Length)]}{random.Next(100)}";
            // Mostly config text, some numbers and URLs, a few random tokens (certificates, hashes).
            var value = random.Next(10) switch
            {
                0 => Convert.ToBase64String(RandomBytes(random, random.Next(16, 48))),
                1 or 2 => random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
                3 or 4 => $"https://{Words[random.Next(Words.Length)]}.{ns}.svc.cluster.local:{random.Next(1024, 65535)}/{Words[random.Next(Words.Length)]}",
                _ => string.Join('\n', Enumerable.Range(0, random.Next(2, 8)).Select(_ => $"{Words[random.Next(Words.Length)]}_{Words[random.Next(Words.Length)]} = {Words[random.Next(Words.Length)]}")),
            };
            data[keyName] = value;
            size += keyName.Length + value.Length + 6;
        }

        const string marker = "@@NAME@@";
        var json = JsonSerializer.Serialize(new
        {
            apiVersion = "v1",
            kind = "ConfigMap",
            metadata = new
            {
                name = marker,
                @namespace = ns,
                uid = new Guid(RandomBytes(random, 16)),
                resourceVersion = random.Next(1, 9_999_999).ToString(CultureInfo.InvariantCulture),
                labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = Words[random.Next(Words.Length)], ["tier"] = Words[random.Next(Words.Length)] },
            },
            data,
        });
        var at = json.IndexOf(marker, StringComparison.Ordinal);
        return (ns, Encoding.UTF8.GetBytes(json[..at]), Encoding.UTF8.GetBytes(json[(at + marker.Length)..]));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
