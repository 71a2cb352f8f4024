using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>
/// The fuzz harness for the archive/segment reader and the manifest parser: CsCheck generators that turn good
/// backups (from the real writer, and hand-made tars) into hostile ones, and the invariant every input must keep.
/// </summary>
/// <remarks>
/// Mutations work at every layer: raw bytes of the stored file (bit flips, overwrites, truncation, splices), tar
/// headers with their checksum repaired (so TarReader looks further), entry and manifest bodies with the manifest's
/// hashes and digests recomputed (so the JSON and scope rules are reached), and JSON fragments known to be tricky.
/// </remarks>
public static class ArchiveFuzz
{
    /// <summary>Small limits, so that any input is cheap and "bounded memory" is checkable.</summary>
    public static readonly ReadLimits Limits = ReadLimits.Default with
    {
        MaxEntryBytes = 256 * 1024,
        MaxEntries = 200,
        MaxTotalBytes = 2 * 1024 * 1024,
        MaxManifestBytes = 256 * 1024,
        MaxMetaBytes = 64 * 1024,
    };

    /// <summary>Most bytes one read may allocate on its thread; far above what the limits let through.</summary>
    public const long MaxAllocatedBytes = 256L * 1024 * 1024;

    public static readonly EncryptionKey Key = PipelineSome.Key(11);

    private static readonly string[] Fragments =
    [
        "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\ud83d\\ude00", "{", "}", "[", "]", ":", ",", "\"kind\":\"ClusterRoleBinding\",",
        "\"apiVersion\":\"v1\",", "\"metadata\":{\"name\":\"x\",\"namespace\":\"y\"},", "\"namespace\":\"kube-system\",", "\"a\":1,\"a\":2,",
        "{\"x\":{\"x\":{\"x\":{\"x\":{\"x\":{\"x\":{\"x\":{\"x\":", "1e400", "-0", "null", "true", "\u0000", "\u2028", "/", "..", "_cluster",
    ];

    private static readonly byte[][] Interesting = [[0], [0xff], [0x80], [0xc3], [0xed, 0xa0, 0x80], [(byte)'7'], [(byte)' '], [(byte)'/'], [(byte)'.'], [(byte)'"'], [(byte)'\\']];

    /// <summary>A valid backup as the list of its objects' (path, JSON), before it is turned into bytes.</summary>
    public static IReadOnlyList<(string Path, byte[] Data)> SeedFiles { get; } =
    [
        ("main/core/configmaps/shop/app.json", Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app","namespace":"shop","labels":{"a":"b"}},"data":{"k":"v \u0026 \ud83d\ude00"}}""")),
        ("main/core/secrets/shop/db.json", Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop"},"data":{"p":"UkVEQUNURUQ="}}""")),
        ("main/core/namespaces/_cluster/shop.json", Json("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}""")),
        ("main/rbac.authorization.k8s.io/clusterrolebindings/_cluster/view.json", Json("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"view"},"roleRef":{"kind":"ClusterRole","name":"view"}}""")),
        ("crds/apiextensions.k8s.io/customresourcedefinitions/_cluster/widgets.example.com.json", Json("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","names":{"plural":"widgets","kind":"Widget"},"scope":"Namespaced"}}""")),
        ("crds/example.com/widgets/shop/w.json", Json("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"shop"},"spec":{"list":[1,2,{"deep":[[]]}]}}""")),
    ];

    /// <summary>Stored files of good backups: real writer (gzip and plain, encrypted and not) and a hand-made tar.</summary>
    public static IReadOnlyList<byte[]> SeedPayloads { get; } = CreateSeedPayloads();

    /// <summary>Any hostile input: one of the mutation families, each from a seed.</summary>
    public static Gen<byte[]> Payloads { get; } = Gen.Frequency(
        (3, RawMutations),
        (3, TarHeaderMutations),
        (4, BodyMutations),
        (2, ManifestMutations));

    /// <summary>Stored bytes mutated blindly: bit flips, overwrites, truncation, splices.</summary>
    public static Gen<byte[]> RawMutations => Gen.Select(Gen.Int[0, SeedPayloads.Count - 1], Gen.Int[1, 4], Gen.UInt, (seed, count, random) =>
    {
        var data = SeedPayloads[seed].ToArray();
        var rng = new Random((int)random);
        for (var i = 0; i < count && data.Length > 0; i++)
        {
            data = MutateBytes(data, rng);
        }

        return data;
    });

    /// <summary>A plain tar of the seed files with one 512-byte header changed and its checksum repaired.</summary>
    public static Gen<byte[]> TarHeaderMutations => Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 5], Gen.UInt, Gen.Bool, (header, which, random, gzip) =>
    {
        var tar = Tar([("manifest.json", PipelineHostileTar.Manifest(SeedFiles)), .. SeedFiles]);
        var rng = new Random((int)random);
        var headers = HeaderOffsets(tar);
        var at = headers[header % headers.Count];
        var (offset, length) = which switch
        {
            0 => (0, 100),   // name
            1 => (124, 12),  // size
            2 => (156, 1),   // type flag
            3 => (157, 100), // link name
            4 => (257, 8),   // magic + version
            _ => (345, 155), // prefix / GNU times
        };
        var value = rng.Next(3) switch
        {
            0 => Enumerable.Range(0, length).Select(_ => (byte)rng.Next(256)).ToArray(),
            1 => Encoding.ASCII.GetBytes(Convert.ToString(rng.NextInt64(0, 1L << 40), 8).PadLeft(length - 1, '0')[..(length - 1)] + "\0"),
            _ => Encoding.ASCII.GetBytes("xgLKVS01234567"[rng.Next(14)].ToString().PadRight(length, '\0')),
        };
        value.AsSpan(0, Math.Min(length, value.Length)).CopyTo(tar.AsSpan(at + offset));
        RepairChecksum(tar, at);
        return gzip ? Gzip(tar) : tar;
    });

    /// <summary>One entry's JSON or path mutated, the manifest recomputed to match, so the entry rules are reached.</summary>
    public static Gen<byte[]> BodyMutations => Gen.Select(Gen.Int[0, SeedFiles.Count - 1], Gen.Int[0, 3], Gen.UInt, (index, how, random) =>
    {
        var rng = new Random((int)random);
        var files = SeedFiles.ToList();
        var (path, data) = files[index];
        switch (how)
        {
            case 0:
                data = MutateBytes(data.ToArray(), rng);
                break;
            case 1:
                var text = Encoding.UTF8.GetString(data);
                var cut = rng.Next(text.Length + 1);
                data = Encoding.UTF8.GetBytes(text[..cut] + Fragments[rng.Next(Fragments.Length)] + text[cut..]);
                break;
            case 2:
                var parts = path.Split('/');
                parts[rng.Next(parts.Length)] = new[] { "_cluster", "kube-system", "core", "rolebindings", "x..y", "", "A", "widgets" }[rng.Next(8)];
                path = string.Join('/', parts) + (rng.Next(2) == 0 ? string.Empty : ".json");
                break;
            default:
                files.Add((path.Replace(".json", "-2.json", StringComparison.Ordinal), data));
                break;
        }

        files[index] = (path, data);
        return Gzip(Tar([("manifest.json", PipelineHostileTar.Manifest(files)), .. files]));
    });

    /// <summary>The manifest's bytes mutated (structure kept or not), the entries left as they are.</summary>
    public static Gen<byte[]> ManifestMutations => Gen.UInt.Select(random =>
    {
        var rng = new Random((int)random);
        var manifest = Encoding.UTF8.GetString(PipelineHostileTar.Manifest(SeedFiles));
        var cut = rng.Next(manifest.Length + 1);
        var mutated = rng.Next(2) == 0
            ? MutateBytes(Encoding.UTF8.GetBytes(manifest), rng)
            : Encoding.UTF8.GetBytes(manifest[..cut] + Fragments[rng.Next(Fragments.Length)] + manifest[cut..]);
        return Gzip(Tar([("manifest.json", mutated), .. SeedFiles]));
    });

    /// <summary>
    /// The invariant: the input either verifies (and then every object is JSON that any later parser reads the same
    /// way) or fails with <see cref="InvalidBackupException"/>; never another exception, never unbounded allocation.
    /// </summary>
    public static void AssertReadsOrRefuses(byte[] payload)
    {
        var reader = new BackupReader(_ => Task.FromResult<Stream>(new MemoryStream(payload, writable: false)), new KeyRing(Key), limits: Limits);
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var verified = reader.VerifyAsync(default).GetAwaiter().GetResult();
            var objects = reader.ReadAllObjectsAsync(o => o).GetAwaiter().GetResult();
            if (objects.Count != verified.Objects)
            {
                throw new InvalidOperationException($"verify counted {verified.Objects} objects, the read-all pass {objects.Count}");
            }

            foreach (var obj in objects)
            {
                // What export and restore do with each object must not fail on anything the reader let through.
                var node = JsonNode.Parse(obj.Json.Span)!.AsObject();
                _ = node.ToJsonString();
                using var strict = JsonDocument.Parse(obj.Json, new JsonDocumentOptions { AllowDuplicateProperties = false });
            }
        }
        catch (InvalidBackupException ex) when (!ex.Message.Contains('\n', StringComparison.Ordinal))
        {
            // The documented refusal.
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > MaxAllocatedBytes)
        {
            throw new InvalidOperationException($"one read allocated {allocated} bytes on its thread");
        }
    }

    /// <summary>The manifest parser alone, on the manifest bytes of any input: parses and checks, or refuses.</summary>
    public static void AssertManifestParsesOrRefuses(byte[] manifest)
    {
        try
        {
            ManifestIndex.Parse(manifest, Limits);
        }
        catch (InvalidBackupException)
        {
        }
    }

    public static byte[] Tar(IEnumerable<(string Path, byte[] Data)> files)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var (path, data) in files)
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(data), ModificationTime = PipelineSome.Time });
            }
        }

        return tar.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] MutateBytes(byte[] data, Random rng)
    {
        if (data.Length == 0)
        {
            return [(byte)rng.Next(256)];
        }

        var at = rng.Next(data.Length);
        switch (rng.Next(6))
        {
            case 0:
                data[at] ^= (byte)(1 << rng.Next(8));
                return data;
            case 1:
                var value = Interesting[rng.Next(Interesting.Length)];
                value.AsSpan(0, Math.Min(value.Length, data.Length - at)).CopyTo(data.AsSpan(at));
                return data;
            case 2:
                return data[..at];
            case 3:
                var length = rng.Next(1, Math.Min(600, data.Length - at) + 1);
                return [.. data[..at], .. data[(at + length)..]];
            case 4:
                var from = rng.Next(data.Length);
                var chunk = data[from..(from + Math.Min(600, data.Length - from))];
                return [.. data[..at], .. chunk, .. data[at..]];
            default:
                return [.. data, .. Enumerable.Range(0, rng.Next(1, 700)).Select(_ => (byte)rng.Next(256))];
        }
    }

    private static List<int> HeaderOffsets(byte[] tar)
    {
        var offsets = new List<int>();
        for (var at = 0; at + 512 <= tar.Length;)
        {
            if (tar.AsSpan(at, 512).IndexOfAnyExcept((byte)0) < 0)
            {
                break;
            }

            offsets.Add(at);
            var size = Convert.ToInt64(Encoding.ASCII.GetString(tar, at + 124, 11).Trim('\0', ' ') is { Length: > 0 } s ? s : "0", 8);
            at += 512 + (int)((size + 511) / 512 * 512);
        }

        return offsets;
    }

    private static void RepairChecksum(byte[] tar, int at)
    {
        tar.AsSpan(at + 148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in tar.AsSpan(at, 512))
        {
            sum += b;
        }

        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, at + 148);
    }

    private static List<byte[]> CreateSeedPayloads()
    {
        var seeds = new List<byte[]>();
        foreach (var (key, compression) in new (EncryptionKey?, CompressionAlgorithm)[]
            { (null, CompressionAlgorithm.Gzip), (null, CompressionAlgorithm.None), (Key, CompressionAlgorithm.Gzip), (Key, CompressionAlgorithm.None) })
        {
            var destination = new InMemoryDestination();
            var objects = SeedFiles.Select(f => ToObject(f.Path, f.Data)).ToList();
            var request = PipelineSome.Request(key, segmentSize: 1024) with { Compression = compression };
            var result = new BackupPipeline().WriteAsync(request, PipelineSome.Stream(objects), destination, default).GetAwaiter().GetResult();
            seeds.Add(destination.Get(result.PayloadKey));
        }

        seeds.Add(Tar([("manifest.json", PipelineHostileTar.Manifest(SeedFiles)), .. SeedFiles]));
        return seeds;
    }

    private static BackupObject ToObject(string path, byte[] data)
    {
        var parts = path.Split('/');
        return new BackupObject(ObjectJson.ToObjectRef(parts, data, path), data);
    }
}
