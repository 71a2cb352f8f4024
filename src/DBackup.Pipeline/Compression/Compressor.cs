using System.IO.Compression;

using DBackup.Pipeline.Archive;

namespace DBackup.Pipeline.Compression;

/// <summary>Maps compression settings to streams and to the names stored in meta.json.</summary>
internal static class Compressor
{
    public const string GzipName = "gzip";
    public const string NoneName = "none";

    public static Stream Compress(Stream output, CompressionAlgorithm algorithm, CompressionLevel level) => algorithm switch
    {
        CompressionAlgorithm.Gzip => new ParallelGzipStream(output, level),
        CompressionAlgorithm.None => new NonClosingStream(output),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown compression algorithm."),
    };

    /// <summary>A reading view of <paramref name="input"/>, gunzipped when <paramref name="gzip"/>; disposing it leaves the input open.</summary>
    public static Stream Decompress(Stream input, bool gzip) =>
        gzip ? new GZipStream(input, CompressionMode.Decompress, leaveOpen: true) : new NonClosingStream(input);

    /// <summary>Completes a stream from <see cref="Compress"/> (writes the last gzip members).</summary>
    public static Task FinishAsync(Stream compressor, CancellationToken ct) =>
        compressor is ParallelGzipStream gzip ? gzip.FinishAsync(ct) : compressor.FlushAsync(ct);

    public static CompressionInfo Describe(CompressionAlgorithm algorithm, CompressionLevel level) => algorithm switch
    {
        CompressionAlgorithm.Gzip => new CompressionInfo { Algorithm = GzipName, Level = LevelName(level) },
        _ => new CompressionInfo { Algorithm = NoneName },
    };

    public static string LevelName(CompressionLevel level) => level switch
    {
        CompressionLevel.Fastest => "fastest",
        CompressionLevel.Optimal => "optimal",
        CompressionLevel.SmallestSize => "smallest",
        CompressionLevel.NoCompression => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown compression level."),
    };

    /// <summary>Parses a level name as written to meta.json or given on a command line (case-insensitive).</summary>
    public static bool TryParseLevel(string? text, out CompressionLevel level)
    {
        level = CompressionLevel.Optimal;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "fastest": level = CompressionLevel.Fastest; return true;
            case "optimal" or "default": level = CompressionLevel.Optimal; return true;
            case "smallest" or "smallestsize" or "best": level = CompressionLevel.SmallestSize; return true;
            case "none" or "nocompression": level = CompressionLevel.NoCompression; return true;
            default: return false;
        }
    }

    /// <summary>True when the bytes start with the gzip magic.</summary>
    public static bool LooksGzip(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x1f && start[1] == 0x8b;
}
