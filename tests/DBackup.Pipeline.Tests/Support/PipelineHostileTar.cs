using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DBackup.Pipeline.Archive;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>Builds tars by hand, with a manifest that matches (or deliberately does not match) the entries.</summary>
public static class PipelineHostileTar
{
    public static byte[] Json(string ns, string name) =>
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"}}""");

    /// <summary>A manifest listing <paramref name="entries"/> with correct hashes and digests.</summary>
    public static byte[] Manifest(IEnumerable<(string Path, byte[] Data)> entries)
    {
        using var digest = new ManifestDigest();
        var list = new List<ManifestEntry>();
        foreach (var (path, data) in entries)
        {
            var sha = Convert.ToHexStringLower(SHA256.HashData(data));
            list.Add(new ManifestEntry(path, sha, data.Length));
            var parts = path.Split('/');
            digest.Add(parts[0], ManifestDigest.ResourceKey(parts[1], parts[2]), path, sha);
        }

        var manifest = new BackupManifest
        {
            Policy = "nightly",
            Trigger = "manual",
            CreatedAt = PipelineSome.Time,
            Objects = list.Count,
            Entries = list,
            Components = digest.Complete(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(manifest, BackupMeta.JsonOptions);
    }

    /// <summary>A tar of the given entries (regular files unless a custom entry is given), optionally gzipped.</summary>
    public static byte[] Build(IEnumerable<TarEntry> entries, bool gzip = true)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        if (!gzip)
        {
            return tar.ToArray();
        }

        var output = new MemoryStream();
        using (var compressor = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(tar.ToArray());
        }

        return output.ToArray();
    }

    public static PaxTarEntry File(string path, byte[] data) =>
        new(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(data) };

    /// <summary>Manifest plus files, the manifest computed from the files.</summary>
    public static byte[] Valid(params (string Path, byte[] Data)[] files) =>
        Build([File("manifest.json", Manifest(files)), .. files.Select(f => File(f.Path, f.Data))]);
}
