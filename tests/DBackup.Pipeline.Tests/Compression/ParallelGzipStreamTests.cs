using System.Diagnostics;
using System.IO.Compression;
using DBackup.Pipeline.Compression;

namespace DBackup.Pipeline.Tests.Compression;

public sealed class ParallelGzipStreamTests
{
    private static async Task<byte[]> CompressAsync(byte[] data, int chunkSize, CompressionLevel level = CompressionLevel.Optimal)
    {
        var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, level, chunkSize, workers: 3))
        {
            for (var offset = 0; offset < data.Length; offset += 7777)
            {
                await gzip.WriteAsync(data.AsMemory(offset, Math.Min(7777, data.Length - offset)));
            }

            await gzip.FinishAsync(default);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Sample(int length)
    {
        var random = new Random(length);
        return Enumerable.Range(0, length).Select(i => (byte)(i % 97 < 60 ? 'a' + i % 13 : random.Next(256))).ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(100_000)]
    public async Task Compress_RoundTripsThroughGZipStream_ForAnyLength(int length)
    {
        var data = Sample(length);

        var compressed = await CompressAsync(data, chunkSize: 4096);

        Assert.Equal(data, Decompress(compressed));
    }

    [Theory]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    [InlineData(CompressionLevel.NoCompression)]
    public async Task Compress_HonoursLevel(CompressionLevel level)
    {
        var data = Sample(50_000);

        var compressed = await CompressAsync(data, 8192, level);

        Assert.Equal(data, Decompress(compressed));
        Assert.Equal(level == CompressionLevel.NoCompression, compressed.Length > data.Length);
    }

    [Fact]
    public async Task Compress_IsReadableByGzipTool()
    {
        var data = Sample(300_000);
        var compressed = await CompressAsync(data, 65536);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, compressed);
            using var process = Process.Start(new ProcessStartInfo("gzip", ["-dc", file]) { RedirectStandardOutput = true })!;
            var output = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(output);
            await process.WaitForExitAsync();

            Assert.Equal(0, process.ExitCode);
            Assert.Equal(data, output.ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Dispose_WithoutFinish_WritesNothingMore()
    {
        var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, CompressionLevel.Optimal, 4096, workers: 2))
        {
            await gzip.WriteAsync(Sample(20_000));
        }

        // Only members already due were written; the buffered tail and the in-flight chunks were dropped.
        Assert.True(Decompress(output.ToArray()).Length < 20_000);
    }
}
