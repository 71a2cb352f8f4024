using System.Formats.Tar;
using System.Security.Cryptography;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// One verifying pass over a payload: opens the layers, reads and checks the manifest (and meta.json against
/// it), then hands out entries one at a time, each checked against the manifest before it is returned. The
/// end-of-pass checks (no entry missing, payload hash and sizes against meta.json) run when
/// <see cref="NextAsync"/> returns null. Every parse or format error surfaces as <see cref="InvalidBackupException"/>.
/// </summary>
internal sealed class ArchiveScan : IAsyncDisposable
{
    private readonly PayloadLayers _layers;
    private readonly TarReader _tar;
    private readonly BackupMeta? _meta;
    private readonly ReadLimits _limits;
    private readonly ResourceScopeTracker _scopes;
    private int _next;

    private ArchiveScan(PayloadLayers layers, TarReader tar, ManifestIndex manifest, string manifestSha, BackupMeta? meta, ReadLimits limits)
    {
        _layers = layers;
        _tar = tar;
        Index = manifest;
        ManifestSha256 = manifestSha;
        _meta = meta;
        _limits = limits;
        _scopes = new ResourceScopeTracker(manifest.Resources);
    }

    public ManifestIndex Index { get; }

    public string ManifestSha256 { get; }

    public SegmentHeader? Header => _layers.Header;

    public bool Gzip => _layers.Gzip;

    public long PayloadBytes { get; private set; }

    public string PayloadSha256 { get; private set; } = string.Empty;

    public string InnerSha256 { get; private set; } = string.Empty;

    public long TarBytes { get; private set; }

    public static Task<ArchiveScan> OpenAsync(Stream source, KeyRing keys, BackupMeta? meta, ReadLimits limits, CancellationToken ct) =>
        Guard.RunAsync(async () =>
        {
            var layers = await PayloadLayers.OpenAsync(source, keys, meta, limits, ct).ConfigureAwait(false);
            try
            {
                var tar = new TarReader(new TarHeaderGuard(layers.OpenTar()), leaveOpen: true);
                var first = await tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false)
                    ?? throw new InvalidBackupException("the archive is empty (no manifest.json)");
                if (first.Name != BackupManifest.EntryName)
                {
                    throw new InvalidBackupException($"the first archive entry is '{ArchivePaths.Printable(first.Name)}', not manifest.json");
                }

                var bytes = await ReadDataAsync(first, limits.MaxManifestBytes, "manifest.json", ct).ConfigureAwait(false);
                var index = ManifestIndex.Parse(bytes, limits);
                if (meta is not null)
                {
                    MetaChecks.AgainstManifest(meta, index.Manifest);
                }

                return new ArchiveScan(layers, tar, index, Convert.ToHexStringLower(SHA256.HashData(bytes)), meta, limits);
            }
            catch
            {
                await layers.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        });

    /// <summary>The next verified object, or null after the end checks passed.</summary>
    public Task<BackupObject?> NextAsync(CancellationToken ct) => Guard.RunAsync(async () =>
    {
        var entry = await _tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false);
        if (entry is null)
        {
            await FinishAsync(ct).ConfigureAwait(false);
            return null;
        }

        var path = entry.Name;
        var shown = ArchivePaths.Printable(path);
        var parts = ArchivePaths.Parse(path);
        if (_next >= Index.Count || Index.Manifest.Entries[_next].Path != path)
        {
            throw new InvalidBackupException(Index.Contains(path)
                ? $"archive entry '{shown}' is out of manifest order or duplicated"
                : $"archive entry '{shown}' is not listed in the manifest");
        }

        var expected = Index.Manifest.Entries[_next];
        var data = await ReadDataAsync(entry, Math.Min(expected.Size, _limits.MaxEntryBytes), $"archive entry '{shown}'", ct).ConfigureAwait(false);
        if (data.Length != expected.Size || Convert.ToHexStringLower(SHA256.HashData(data)) != expected.Sha256)
        {
            throw new InvalidBackupException($"archive entry '{shown}' does not match its manifest size/sha256");
        }

        var objectRef = ObjectJson.ToObjectRef(parts, data, path);
        _scopes.Check(objectRef, data, shown);
        _next++;
        return (BackupObject?)new BackupObject(objectRef, data);
    });

    public async ValueTask DisposeAsync()
    {
        await _tar.DisposeAsync().ConfigureAwait(false);
        await _layers.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadDataAsync(TarEntry entry, long max, string what, CancellationToken ct)
    {
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw new InvalidBackupException($"{what} is a {entry.EntryType} entry; only regular files are allowed");
        }

        if (entry.Length > max)
        {
            throw new InvalidBackupException($"{what} has {entry.Length} bytes, more than expected or allowed ({max})");
        }

        var data = new byte[entry.Length];
        if (entry.Length > 0)
        {
            var stream = entry.DataStream ?? throw new InvalidBackupException($"{what} has no data");
            await stream.ReadExactlyAsync(data, ct).ConfigureAwait(false);
        }

        return data;
    }

    private async Task FinishAsync(CancellationToken ct)
    {
        if (_next < Index.Count)
        {
            throw new InvalidBackupException(
                $"the manifest lists '{ArchivePaths.Printable(Index.Manifest.Entries[_next].Path)}', but the archive does not contain it");
        }

        _scopes.Finish();
        await _layers.DrainAsync(ct).ConfigureAwait(false);
        PayloadBytes = _layers.Raw.Bytes;
        PayloadSha256 = _layers.Raw.HashHex();
        InnerSha256 = _layers.Inner.HashHex();
        TarBytes = _layers.Tar!.Bytes;
        if (_meta is not null)
        {
            MetaChecks.AgainstPayload(_meta, PayloadBytes, PayloadSha256, TarBytes);
        }
    }
}
