using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>Builds tars by hand, with a manifest that matches (or deliberately does not match) the entries.</summary>
public static class PipelineHostileTar
{
    public static byte[] Json(string ns, string name) =>
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"}}""");

    /// <summary>
    /// A manifest listing <paramref name="entries"/> with correct hashes and digests. Like the writer, it declares each
    /// resource's scope (from the path) and kind (the built-in table's, else read from the first entry's JSON); <paramref name="declare"/> false
    /// leaves both out, as older writers did. <paramref name="edit"/> may change the manifest before it is serialized.
    /// </summary>
    public static byte[] Manifest(IEnumerable<(string Path, byte[] Data)> entries, bool declare = true, Func<BackupManifest, BackupManifest>? edit = null)
    {
        using var digest = new ManifestDigest();
        var list = new List<ManifestEntry>();
        foreach (var (path, data) in entries)
        {
            var sha = Convert.ToHexStringLower(SHA256.HashData(data));
            list.Add(new ManifestEntry(path, sha, data.Length));
            var parts = path.Split('/');
            var builtIn = parts.Length > 2 ? ResourceNames.KnownResource(parts[1] == "core" ? string.Empty : parts[1], parts[2])?.Kind : null;
            digest.Add(parts[0], ManifestDigest.ResourceKey(parts[1], parts[2]), path, sha, builtIn ?? KindOf(data), ManifestDigest.ScopeOf(parts.Length > 3 ? parts[3] : string.Empty));
        }

        var components = digest.Complete();
        if (!declare)
        {
            foreach (var component in components.Values)
            {
                var resources = (SortedDictionary<string, ManifestResource>)component.Resources;
                foreach (var key in resources.Keys.ToList())
                {
                    resources[key] = resources[key] with { Kind = null, Scope = null };
                }
            }
        }

        var manifest = new BackupManifest
        {
            Policy = "nightly",
            Trigger = "manual",
            CreatedAt = PipelineSome.Time,
            Objects = list.Count,
            Entries = list,
            Components = components,
        };
        return JsonSerializer.SerializeToUtf8Bytes(edit is null ? manifest : edit(manifest), BackupMeta.JsonOptions);
    }

    /// <summary>The top-level "kind" of a JSON object, or null when the bytes are not such an object.</summary>
    public static string? KindOf(byte[] data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("kind", out var kind)
                && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
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
