using System.Formats.Tar;
using System.IO.Compression;
using DBackup.Pipeline.Compression;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Writes some entries of a tar, compressed, into a sink it does not own, without end-of-archive records.
/// Parts written this way (and gzip members) concatenate into one valid tar(.gz).
/// </summary>
internal sealed class TarPart : IAsyncDisposable
{
    private const UnixFileMode EntryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly DetachableStream _detachable;
    private readonly MeasuringStream _counter;
    private readonly Stream _compressor;
    private readonly TarWriter _writer;
    private readonly DateTimeOffset _time;

    public TarPart(Stream sink, CompressionAlgorithm algorithm, CompressionLevel level, DateTimeOffset time)
    {
        _compressor = Compressor.Compress(sink, algorithm, level);
        _counter = new MeasuringStream(_compressor, hash: false, leaveOpen: true);
        _detachable = new DetachableStream(_counter);
        _writer = new TarWriter(_detachable, TarEntryFormat.Gnu, leaveOpen: true);
        _time = time;
    }

    /// <summary>Size of the tar end-of-archive marker: two zero records.</summary>
    public const int EndOfArchiveBytes = 1024;

    public Task WriteAsync(string path, Stream data, CancellationToken ct) =>
        _writer.WriteEntryAsync(
            new GnuTarEntry(TarEntryType.RegularFile, path)
            {
                DataStream = data,
                Mode = EntryMode,
                ModificationTime = _time,
                AccessTime = _time,
                ChangeTime = _time,
            },
            ct);

    /// <summary>Completes the part (flushes the last compressed member) and returns its uncompressed tar bytes.</summary>
    public async Task<long> FinishAsync(CancellationToken ct)
    {
        _detachable.Detach();
        await _writer.DisposeAsync().ConfigureAwait(false);
        await Compressor.FinishAsync(_compressor, ct).ConfigureAwait(false);
        return _counter.Bytes;
    }

    /// <summary>Writes the end-of-archive records as their own compressed part.</summary>
    public static async Task WriteEndAsync(Stream sink, CompressionAlgorithm algorithm, CompressionLevel level, CancellationToken ct)
    {
        // 1 KiB of zeros: a plain single-threaded member is enough.
        var compressor = algorithm == CompressionAlgorithm.Gzip ? new GZipStream(sink, level, leaveOpen: true) : (Stream)new NonClosingStream(sink);
        await using (compressor.ConfigureAwait(false))
        {
            await compressor.WriteAsync(new byte[EndOfArchiveBytes], ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _detachable.Detach();
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _counter.DisposeAsync().ConfigureAwait(false);
        await _compressor.DisposeAsync().ConfigureAwait(false);
    }
}
