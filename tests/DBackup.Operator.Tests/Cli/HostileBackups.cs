using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Tests.Cli;

/// <summary>
/// Plants a hand-made backup the way an attacker with write access to a destination (and, for encrypted ones, the
/// key) can: a tar.gz whose manifest matches its entries, encrypted with the real segment cipher, and a meta.json
/// that matches the payload, so only the reader's format rules stand between it and the cluster.
/// </summary>
internal static class HostileBackups
{
    public const string Policy = "planted";

    private static readonly DateTimeOffset CreatedAt = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    /// <summary>Writes the backup under <paramref name="dest"/> and returns the payload's path.</summary>
    public static async Task<string> WriteAsync(string dest, IReadOnlyList<(string Path, byte[] Data)> files, EncryptionKey? key = null)
    {
        var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            await writer.WriteEntryAsync(Entry(BackupManifest.EntryName, Manifest(files)));
            foreach (var (path, data) in files)
            {
                await writer.WriteEntryAsync(Entry(path, data));
            }
        }

        var gzip = new MemoryStream();
        await using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            await compressor.WriteAsync(tar.ToArray());
        }

        var payload = gzip.ToArray();
        var encryption = EncryptionInfo.None;
        if (key is not null)
        {
            var sealedPayload = new MemoryStream();
            await using (var cipher = new EncryptingStream(sealedPayload, key, 1024, leaveOpen: true))
            {
                await cipher.WriteAsync(payload);
                await cipher.FinishAsync(default);
                encryption = cipher.Header.ToInfo(null);
            }

            payload = sealedPayload.ToArray();
        }

        var name = BackupName.For(Policy, CreatedAt);
        var payloadKey = BackupName.PayloadKey(Policy, name, compressed: true, encrypted: key is not null);
        var meta = new BackupMeta
        {
            Name = name,
            Policy = Policy,
            Trigger = "manual",
            CreatedAt = CreatedAt,
            Encryption = encryption,
            Compression = new CompressionInfo { Algorithm = "gzip", Level = "fastest" },
            Sizes = new SizeInfo { PayloadBytes = payload.Length, TarBytes = tar.Length },
            Objects = files.Count,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(payload)),
            PayloadKey = payloadKey,
            Components = files.GroupBy(f => f.Path.Split('/')[0]).ToDictionary(g => g.Key, g => (long)g.Count()),
        };
        var payloadPath = Path.Combine(dest, payloadKey);
        Directory.CreateDirectory(Path.GetDirectoryName(payloadPath)!);
        await File.WriteAllBytesAsync(payloadPath, payload);
        await File.WriteAllBytesAsync(Path.Combine(dest, BackupName.MetaKey(payloadKey)), meta.ToJsonBytes());
        return payloadPath;
    }

    /// <summary>A JSON object with the given identity and extra top-level members.</summary>
    public static byte[] Object(string apiVersion, string kind, string name, string? ns, string extra = "") =>
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}"{{{(ns is null ? "" : $",\"namespace\":\"{ns}\"")}}}}{{{extra}}}}""");

    /// <summary>The ClusterRoleBinding of the review: cluster-admin for shop's default service account.</summary>
    public static byte[] PwnAdmin(string? ns) => Object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "pwn-admin", ns,
        ""","roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"shop"}]""");

    private static GnuTarEntry Entry(string path, byte[] data) =>
        new(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(data), ModificationTime = CreatedAt };

    // As the writer would: hashes, digests, and each resource's scope (from the path) and kind (from the JSON).
    private static byte[] Manifest(IReadOnlyList<(string Path, byte[] Data)> files)
    {
        using var digest = new ManifestDigest();
        var entries = new List<ManifestEntry>();
        foreach (var (path, data) in files)
        {
            var sha = Convert.ToHexStringLower(SHA256.HashData(data));
            entries.Add(new ManifestEntry(path, sha, data.Length));
            var parts = path.Split('/');
            digest.Add(parts[0], ManifestDigest.ResourceKey(parts[1], parts[2]), path, sha, KindOf(data), ManifestDigest.ScopeOf(parts[3]));
        }

        return JsonSerializer.SerializeToUtf8Bytes(new BackupManifest
        {
            Policy = Policy,
            Trigger = "manual",
            CreatedAt = CreatedAt,
            Objects = entries.Count,
            Entries = entries,
            Components = digest.Complete(),
        }, BackupMeta.JsonOptions);
    }

    private static string? KindOf(byte[] data)
    {
        var text = Encoding.Latin1.GetString(data);
        var at = text.IndexOf("\"kind\":\"", StringComparison.Ordinal);
        return at < 0 ? null : text[(at + 8)..text.IndexOf('"', at + 8)];
    }
}
