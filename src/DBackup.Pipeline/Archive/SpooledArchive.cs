using System.Buffers.Binary;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Builds a backup tar whose manifest (with every hash) comes first: objects are hashed and spooled,
/// encrypted, into a private temp folder, then <see cref="WriteTarAsync"/> emits the manifest and replays them.
/// Memory stays constant: duplicate paths are found by an external sort of path fingerprints (<see cref="DuplicateDetector"/>).
/// </summary>
internal sealed class SpooledArchive : IDisposable
{
    private const string DataFile = "entries.spool";
    private const string ManifestFile = "manifest.spool";
    private const int SpoolSegmentSize = 256 * 1024;
    private const UnixFileMode EntryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SpoolDirectory _spool;
    private readonly DateTimeOffset _createdAt;

    private SpooledArchive(SpoolDirectory spool, DateTimeOffset createdAt)
    {
        _spool = spool;
        _createdAt = createdAt;
    }

    public long Objects { get; private set; }

    public long ManifestBytes { get; private set; }

    public DateTimeOffset CompletedAt { get; private set; }

    public IReadOnlyDictionary<string, long> ComponentCounts { get; private set; } = new Dictionary<string, long>();

    /// <summary>Consumes <paramref name="objects"/> into a new spool. On any failure the spool is removed.</summary>
    /// <exception cref="ArgumentException">An object has an unsafe name, bad JSON, or a duplicate path.</exception>
    public static async Task<SpooledArchive> CreateAsync(
        BackupManifest header, IAsyncEnumerable<BackupObject> objects, string? tempRoot, TimeProvider time, CancellationToken ct)
    {
        var archive = new SpooledArchive(SpoolDirectory.Create(tempRoot), header.CreatedAt);
        try
        {
            await archive.FillAsync(header, objects, time, ct).ConfigureAwait(false);
            return archive;
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <summary>Writes the tar (manifest first, then every entry) to <paramref name="output"/>.</summary>
    public async Task WriteTarAsync(Stream output, CancellationToken ct)
    {
        var keys = new KeyRing(_spool.Key);
        var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            await using (var manifest = await DecryptingStream.OpenAsync(_spool.OpenRead(ManifestFile), keys, ct).ConfigureAwait(false))
            {
                await writer.WriteEntryAsync(Entry(BackupManifest.EntryName, new KnownLengthStream(manifest, ManifestBytes)), ct).ConfigureAwait(false);
            }

            await using var data = await DecryptingStream.OpenAsync(_spool.OpenRead(DataFile), keys, ct).ConfigureAwait(false);
            var lengths = new byte[4];
            var pathBytes = new byte[1024];
            for (long i = 0; i < Objects; i++)
            {
                await data.ReadExactlyAsync(lengths, ct).ConfigureAwait(false);
                var pathLength = BinaryPrimitives.ReadInt32BigEndian(lengths);
                if (pathLength > pathBytes.Length)
                {
                    pathBytes = new byte[pathLength];
                }

                await data.ReadExactlyAsync(pathBytes.AsMemory(0, pathLength), ct).ConfigureAwait(false);
                await data.ReadExactlyAsync(lengths, ct).ConfigureAwait(false);
                var size = BinaryPrimitives.ReadInt32BigEndian(lengths);
                var path = Encoding.UTF8.GetString(pathBytes, 0, pathLength);
                await writer.WriteEntryAsync(Entry(path, new KnownLengthStream(data, size)), ct).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _spool.Dispose();

    private GnuTarEntry Entry(string path, Stream data) => new(TarEntryType.RegularFile, path)
    {
        DataStream = data,
        Mode = EntryMode,
        ModificationTime = _createdAt,
        AccessTime = _createdAt,
        ChangeTime = _createdAt,
    };

    private async Task FillAsync(BackupManifest header, IAsyncEnumerable<BackupObject> objects, TimeProvider time, CancellationToken ct)
    {
        using var digest = new ManifestDigest();
        var duplicates = new DuplicateDetector(_spool);
        var record = new byte[4];

        var dataFile = _spool.CreateFile(DataFile);
        await using var data = new EncryptingStream(dataFile, _spool.Key, SpoolSegmentSize);
        var manifestFile = _spool.CreateFile(ManifestFile);
        await using var manifestCipher = new EncryptingStream(manifestFile, _spool.Key, SpoolSegmentSize);
        await using var manifestCount = new MeasuringStream(manifestCipher, hash: false, leaveOpen: true);
        await using var json = new Utf8JsonWriter(manifestCount, new JsonWriterOptions { Indented = false });

        WriteHeader(json, header);
        json.WriteStartArray("entries");
        await foreach (var obj in objects.WithCancellation(ct).ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(obj);
            var path = ArchivePaths.ForWriting(obj.Ref);
            ObjectJson.CheckForWriting(obj);
            var pathBytes = Encoding.UTF8.GetBytes(path);
            duplicates.Add(Fingerprint(pathBytes));

            var sha = Convert.ToHexStringLower(SHA256.HashData(obj.Json.Span));
            BinaryPrimitives.WriteInt32BigEndian(record, pathBytes.Length);
            await data.WriteAsync(record, ct).ConfigureAwait(false);
            await data.WriteAsync(pathBytes, ct).ConfigureAwait(false);
            BinaryPrimitives.WriteInt32BigEndian(record, obj.Json.Length);
            await data.WriteAsync(record, ct).ConfigureAwait(false);
            await data.WriteAsync(obj.Json, ct).ConfigureAwait(false);

            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteString("sha256", sha);
            json.WriteNumber("size", obj.Json.Length);
            json.WriteEndObject();
            if (json.BytesPending > 32 * 1024)
            {
                await json.FlushAsync(ct).ConfigureAwait(false);
            }

            digest.Add(obj.Ref.Component, ManifestDigest.ResourceKey(obj.Ref.Group.Length == 0 ? ObjectRef.CoreGroupFolder : obj.Ref.Group, obj.Ref.Resource), path, sha);
            Objects++;
        }

        json.WriteEndArray();
        CompletedAt = time.GetUtcNow();
        json.WriteString("completedAt", CompletedAt);
        json.WriteNumber("objects", Objects);
        var components = digest.Complete();
        json.WritePropertyName("components");
        JsonSerializer.Serialize(json, components, BackupMeta.JsonOptions);
        json.WriteEndObject();
        await json.FlushAsync(ct).ConfigureAwait(false);
        ManifestBytes = manifestCount.Bytes;
        ComponentCounts = components.ToDictionary(c => c.Key, c => c.Value.Objects, StringComparer.Ordinal);
        await manifestCipher.FinishAsync(ct).ConfigureAwait(false);
        await data.FinishAsync(ct).ConfigureAwait(false);
        if (await duplicates.FindDuplicateAsync(ct).ConfigureAwait(false) is { } duplicate)
        {
            var path = await FindPathAsync(duplicate, ct).ConfigureAwait(false);
            throw new ArgumentException($"Object at archive path '{path}' appears twice; a backup holds each object once.", nameof(objects));
        }
    }

    // Only on the error path: replays the spool to name the duplicated path.
    private async Task<string> FindPathAsync(UInt128 fingerprint, CancellationToken ct)
    {
        await using var data = await DecryptingStream.OpenAsync(_spool.OpenRead(DataFile), new KeyRing(_spool.Key), ct).ConfigureAwait(false);
        var lengths = new byte[4];
        for (long i = 0; i < Objects; i++)
        {
            await data.ReadExactlyAsync(lengths, ct).ConfigureAwait(false);
            var pathBytes = new byte[BinaryPrimitives.ReadInt32BigEndian(lengths)];
            await data.ReadExactlyAsync(pathBytes, ct).ConfigureAwait(false);
            if (Fingerprint(pathBytes) == fingerprint)
            {
                return Encoding.UTF8.GetString(pathBytes);
            }

            await data.ReadExactlyAsync(lengths, ct).ConfigureAwait(false);
            var size = BinaryPrimitives.ReadInt32BigEndian(lengths);
            var skip = new byte[Math.Min(size, 64 * 1024)];
            for (var left = size; left > 0; left -= skip.Length)
            {
                await data.ReadExactlyAsync(skip.AsMemory(0, Math.Min(left, skip.Length)), ct).ConfigureAwait(false);
            }
        }

        return "(unknown)";
    }

    private static void WriteHeader(Utf8JsonWriter json, BackupManifest header)
    {
        json.WriteStartObject();
        json.WriteNumber("formatVersion", header.FormatVersion);
        json.WriteString("tool", header.Tool);
        WriteOptional(json, "toolVersion", header.ToolVersion);
        json.WriteString("policy", header.Policy);
        json.WriteString("trigger", header.Trigger);
        WriteOptional(json, "cluster", header.Cluster);
        json.WriteString("createdAt", header.CreatedAt);
        json.WriteBoolean("includesSecrets", header.IncludesSecrets);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    // 128 bits of SHA-256: collisions are out of reach, and fingerprints sort and spill compactly.
    private static UInt128 Fingerprint(byte[] path)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(path, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
