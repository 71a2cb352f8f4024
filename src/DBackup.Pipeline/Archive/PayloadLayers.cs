using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// The read side of one pass over a stored payload: raw bytes (counted, hashed) -> optional decryption ->
/// inner bytes (counted, hashed; the compressed tar) -> optional gunzip -> tar bytes (counted, capped).
/// Formats are sniffed from magic bytes, so a payload reads without its meta.json; when meta is given,
/// its encryption and compression claims are checked against what the bytes say.
/// </summary>
internal sealed class PayloadLayers : IAsyncDisposable
{
    private readonly ReadLimits _limits;
    private Stream? _decompressor;

    private PayloadLayers(MeasuringStream raw, SegmentHeader? header, MeasuringStream inner, Stream innerSniffed, bool gzip, ReadLimits limits)
    {
        Raw = raw;
        Header = header;
        Inner = inner;
        InnerSniffed = innerSniffed;
        Gzip = gzip;
        _limits = limits;
    }

    public MeasuringStream Raw { get; }

    public SegmentHeader? Header { get; }

    /// <summary>Decrypted bytes as counted and hashed (the compressed tar).</summary>
    public MeasuringStream Inner { get; }

    /// <summary>Read from here: <see cref="Inner"/> with its sniffed head replayed.</summary>
    public Stream InnerSniffed { get; }

    public bool Gzip { get; }

    public MeasuringStream? Tar { get; private set; }

    public static async Task<PayloadLayers> OpenAsync(Stream source, KeyRing keys, BackupMeta? meta, ReadLimits limits, CancellationToken ct)
    {
        // Stored bytes can exceed the tar only by gzip's and the cipher's small overheads; more is trailing junk.
        var maxStored = limits.MaxTotalBytes + (limits.MaxTotalBytes / 50) + (1 << 20);
        var tooLarge = $"the payload is larger than the {limits.MaxTotalBytes}-byte limit allows";
        var raw = new MeasuringStream(source, hash: true, leaveOpen: false) { Limit = maxStored, LimitMessage = tooLarge };
        try
        {
            var (head, sniffed) = await PrefixedStream.SniffAsync(raw, SegmentHeader.Magic.Length, ct).ConfigureAwait(false);
            if (head.Length == 0)
            {
                throw new InvalidBackupException("the payload is empty");
            }

            var encrypted = head.Span.SequenceEqual(SegmentHeader.Magic);
            SegmentHeader? header = null;
            Stream plain = sniffed;
            if (encrypted)
            {
                header = await SegmentHeader.ReadAsync(sniffed, ct).ConfigureAwait(false);
            }

            if (meta is not null)
            {
                MetaChecks.AgainstHeader(meta, header);
            }

            if (header is not null)
            {
                plain = DecryptingStream.Open(sniffed, header, keys);
            }

            var inner = new MeasuringStream(plain, hash: true, leaveOpen: false) { Limit = maxStored, LimitMessage = tooLarge };
            var (innerHead, innerSniffed) = await PrefixedStream.SniffAsync(inner, 2, ct).ConfigureAwait(false);
            var gzip = Compressor.LooksGzip(innerHead.Span);
            if (meta is not null && (meta.Compression.Algorithm == Compressor.GzipName) != gzip)
            {
                throw new InvalidBackupException($"meta.json says compression '{meta.Compression.Algorithm}', but the payload is {(gzip ? "gzip" : "not gzip")}");
            }

            return new PayloadLayers(raw, header, inner, innerSniffed, gzip, limits);
        }
        catch
        {
            await raw.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The decompressed tar stream, capped at <see cref="ReadLimits.MaxTotalBytes"/>.</summary>
    public Stream OpenTar()
    {
        _decompressor = Compressor.Decompress(InnerSniffed, Gzip);
        Tar = new MeasuringStream(_decompressor, hash: false, leaveOpen: true)
        {
            Limit = _limits.MaxTotalBytes,
            LimitMessage = $"the backup decompresses to more than {_limits.MaxTotalBytes} bytes (limit); refusing a possible decompression bomb",
        };
        return Tar;
    }

    /// <summary>Reads every layer to its end, so hashes are complete and the last segment is authenticated.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var buffer = new byte[81920];
        if (Tar is not null)
        {
            while (await Tar.ReadAsync(buffer, ct).ConfigureAwait(false) > 0)
            {
                // Bytes after the tar end markers (padding) still count towards the cap.
            }
        }

        while (await InnerSniffed.ReadAsync(buffer, ct).ConfigureAwait(false) > 0)
        {
            // Anything after the gzip stream is covered by the hashes and the segment tags.
        }

        while (await Raw.ReadAsync(buffer, ct).ConfigureAwait(false) > 0)
        {
            // Same for the raw layer of an unencrypted payload.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Tar is not null)
        {
            await Tar.DisposeAsync().ConfigureAwait(false);
        }

        if (_decompressor is not null)
        {
            await _decompressor.DisposeAsync().ConfigureAwait(false);
        }

        await InnerSniffed.DisposeAsync().ConfigureAwait(false);
        await Raw.DisposeAsync().ConfigureAwait(false);
    }
}
