using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Builds a backup tar whose manifest (with every hash) comes first. While objects arrive they are hashed,
/// written as tar entries, compressed (in parallel) and spooled, encrypted with the spool's ephemeral key,
/// into a private temp folder; the manifest is spooled beside them. <see cref="WritePayloadAsync"/> then emits
/// the manifest part, copies the compressed entries and ends the archive. Compression thus overlaps with
/// collecting the objects, and the final pass only re-encrypts compressed bytes.
/// Memory stays constant: duplicate paths are found by an external sort of path fingerprints (<see cref="DuplicateDetector"/>).
/// </summary>
internal sealed class SpooledArchive : IDisposable
{
    private const string EntriesFile = "entries.spool";
    private const string ManifestFile = "manifest.spool";
    private const int SpoolSegmentSize = 256 * 1024;

    private readonly SpoolDirectory _spool;
    private readonly DateTimeOffset _createdAt;
    private readonly CompressionAlgorithm _algorithm;
    private readonly CompressionLevel _level;
    private long _entriesTarBytes;

    private SpooledArchive(SpoolDirectory spool, DateTimeOffset createdAt, CompressionAlgorithm algorithm, CompressionLevel level)
    {
        _spool = spool;
        _createdAt = createdAt;
        _algorithm = algorithm;
        _level = level;
    }

    public long Objects { get; private set; }

    public long ManifestBytes { get; private set; }

    /// <summary>Uncompressed tar bytes of the whole payload; known after <see cref="WritePayloadAsync"/>.</summary>
    public long TarBytes { get; private set; }

    public DateTimeOffset CompletedAt { get; private set; }

    public IReadOnlyDictionary<string, long> ComponentCounts { get; private set; } = new Dictionary<string, long>();

    /// <summary>Consumes <paramref name="objects"/> into a new spool. On any failure the spool is removed.</summary>
    /// <exception cref="ArgumentException">An object has an unsafe name, bad JSON, or a duplicate path.</exception>
    public static async Task<SpooledArchive> CreateAsync(BackupManifest header, IAsyncEnumerable<BackupObject> objects,
        CompressionAlgorithm algorithm, CompressionLevel level, string? tempRoot, TimeProvider time, CancellationToken ct)
    {
        var archive = new SpooledArchive(SpoolDirectory.Create(tempRoot), header.CreatedAt, algorithm, level);
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

    /// <summary>Writes the compressed tar (manifest first, then every entry, then the end records) to <paramref name="output"/>.</summary>
    public async Task WritePayloadAsync(Stream output, CancellationToken ct)
    {
        var keys = new KeyRing(_spool.Key);
        long manifestTarBytes;
        await using (var part = new TarPart(output, _algorithm, _level, _createdAt))
        {
            await using var manifest = await DecryptingStream.OpenAsync(_spool.OpenRead(ManifestFile), keys, ct).ConfigureAwait(false);
            await part.WriteAsync(BackupManifest.EntryName, new KnownLengthStream(manifest, ManifestBytes), ct).ConfigureAwait(false);
            manifestTarBytes = await part.FinishAsync(ct).ConfigureAwait(false);
        }

        await using (var entries = await DecryptingStream.OpenAsync(_spool.OpenRead(EntriesFile), keys, ct).ConfigureAwait(false))
        {
            await entries.CopyToAsync(output, 128 * 1024, ct).ConfigureAwait(false);
        }

        await TarPart.WriteEndAsync(output, _algorithm, _level, ct).ConfigureAwait(false);
        TarBytes = manifestTarBytes + _entriesTarBytes + TarPart.EndOfArchiveBytes;
    }

    public void Dispose() => _spool.Dispose();

    private async Task FillAsync(BackupManifest header, IAsyncEnumerable<BackupObject> objects, TimeProvider time, CancellationToken ct)
    {
        using var digest = new ManifestDigest();
        var duplicates = new DuplicateDetector(_spool);
        await using var entriesCipher = new EncryptingStream(_spool.CreateFile(EntriesFile), _spool.Key, SpoolSegmentSize);
        await using var manifestCipher = new EncryptingStream(_spool.CreateFile(ManifestFile), _spool.Key, SpoolSegmentSize);
        await using var manifestCount = new MeasuringStream(manifestCipher, hash: false, leaveOpen: true);
        await using var manifest = new ManifestJson(manifestCount);
        await using (var entries = new TarPart(entriesCipher, _algorithm, _level, _createdAt))
        {
            manifest.WriteHeader(header);
            await foreach (var obj in objects.WithCancellation(ct).ConfigureAwait(false))
            {
                ArgumentNullException.ThrowIfNull(obj);
                ct.ThrowIfCancellationRequested(); // Also for sources that ignore the token.
                var path = ArchivePaths.ForWriting(obj.Ref);
                ObjectJson.CheckForWriting(obj);
                if (ResourceScopeRules.AgainstBuiltIns(obj.Ref.Group, obj.Ref.Resource, obj.Ref.Kind, ScopeOf(obj.Ref)) is { } problem)
                {
                    throw new ArgumentException($"Object {obj.Ref} cannot be stored: it is {ManifestDigest.Describe(ScopeOf(obj.Ref))}, but {problem}.", nameof(objects));
                }

                duplicates.Add(Fingerprint(Encoding.UTF8.GetBytes(path)));
                var sha = Convert.ToHexStringLower(SHA256.HashData(obj.Json.Span));
                await entries.WriteAsync(path, AsStream(obj.Json), ct).ConfigureAwait(false);
                await manifest.WriteEntryAsync(path, sha, obj.Json.Length, ct).ConfigureAwait(false);
                var key = ManifestDigest.ResourceKey(obj.Ref.Group.Length == 0 ? ObjectRef.CoreGroupFolder : obj.Ref.Group, obj.Ref.Resource);
                if (digest.Add(obj.Ref.Component, key, path, sha, obj.Ref.Kind, ScopeOf(obj.Ref)) is { } conflict)
                {
                    throw new ArgumentException($"Object {obj.Ref} cannot be stored: {conflict}.", nameof(objects));
                }

                Objects++;
            }

            _entriesTarBytes = await entries.FinishAsync(ct).ConfigureAwait(false);
        }

        await entriesCipher.FinishAsync(ct).ConfigureAwait(false);
        CompletedAt = time.GetUtcNow();
        var components = digest.Complete();
        await manifest.WriteEndAsync(CompletedAt, Objects, components, ct).ConfigureAwait(false);
        ManifestBytes = manifestCount.Bytes;
        ComponentCounts = components.ToDictionary(c => c.Key, c => c.Value.Objects, StringComparer.Ordinal);
        await manifestCipher.FinishAsync(ct).ConfigureAwait(false);
        if (await duplicates.FindDuplicateAsync(ct).ConfigureAwait(false) is { } duplicate)
        {
            var path = await FindPathAsync(duplicate, ct).ConfigureAwait(false);
            throw new ArgumentException($"Object at archive path '{path}' appears twice; a backup holds each object once.", nameof(objects));
        }
    }

    private static ResourceScope ScopeOf(ObjectRef r) => r.Namespace is null ? ResourceScope.Cluster : ResourceScope.Namespaced;

    private static MemoryStream AsStream(ReadOnlyMemory<byte> json) =>
        MemoryMarshal.TryGetArray(json, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(json.ToArray(), writable: false);

    // Only on the error path: reads the spooled entries back to name the duplicated path.
    private async Task<string> FindPathAsync(UInt128 fingerprint, CancellationToken ct)
    {
        await using var entries = await DecryptingStream.OpenAsync(_spool.OpenRead(EntriesFile), new KeyRing(_spool.Key), ct).ConfigureAwait(false);
        await using var tarStream = Compressor.Decompress(entries, _algorithm == CompressionAlgorithm.Gzip);
        await using var reader = new TarReader(tarStream, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            if (Fingerprint(Encoding.UTF8.GetBytes(entry.Name)) == fingerprint)
            {
                return entry.Name;
            }
        }

        return "(unknown)";
    }

    // 128 bits of SHA-256: collisions are out of reach, and fingerprints sort and spill compactly.
    private static UInt128 Fingerprint(byte[] path)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(path, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
