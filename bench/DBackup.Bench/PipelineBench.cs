using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Compression;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Storage;

namespace DBackup.Bench;

/// <summary>
/// Writes N ConfigMap-like objects through <see cref="BackupPipeline"/> to a filesystem destination (gzip Optimal,
/// with and without encryption) and pipes the same tar through <c>gzip -6 | openssl enc -aes-256-ctr</c>.
/// </summary>
internal static class PipelineBench
{
    internal const int Repetitions = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var counts = new List<int> { 10_000, 100_000 };
        var output = Path.Combine("bench", "results", "pipeline.md");
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--objects")
            {
                counts = args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
            }
            else if (args[i] == "--out")
            {
                output = args[i + 1];
            }
        }

        var loadBefore = PipelineReport.LoadAverage();
        var work = Directory.CreateTempSubdirectory("dbackup-bench-").FullName;
        try
        {
            var destination = new FilesystemDestination(Path.Combine(work, "dest"));
            var key = EncryptionKey.Generate();
            await RunOursAsync(destination, 1000, null, "warmup"); // JIT and file-system warm-up, not reported
            var rows = new List<Row>();
            foreach (var n in counts)
            {
                // Interleaved repetitions, best time kept: the machine is shared, and the minimum is the least noisy estimate.
                Run? plain = null, encrypted = null, external = null;
                for (var rep = 0; rep < Repetitions; rep++)
                {
                    plain = Best(plain, await RunOursAsync(destination, n, null, $"gzip{rep}"));
                    encrypted = Best(encrypted, await RunOursAsync(destination, n, key, $"aes{rep}"));
                    external = Best(external, await RunExternalAsync(destination, work, n, rep));
                }

                var live = await MeasureLiveAsync(destination, n, key);
                rows.Add(new Row(n, plain!, encrypted!, external!, live));
            }

            var report = PipelineReport.Render(rows, loadBefore, PipelineReport.LoadAverage());
            await PipelineReport.PublishAsync(report, output);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Fastest time; peak memory is the worst seen in any repetition.
    private static Run Best(Run? a, Run b) => a is null ? b
        : (a.Elapsed <= b.Elapsed ? a : b) with { PeakTotalBytes = Math.Max(a.PeakTotalBytes, b.PeakTotalBytes) };

    private static async Task<Run> RunOursAsync(IBackupDestination destination, int n, EncryptionKey? key, string policySuffix)
    {
        var request = new BackupRequest
        {
            Policy = $"bench-{policySuffix.Replace('+', '-')}-{n}",
            Trigger = "bench",
            Key = key,
            Compression = CompressionAlgorithm.Gzip,
            CompressionLevel = System.IO.Compression.CompressionLevel.Optimal,
        };
        BackupResult? result = null;
        var run = await MeasureAsync(async () =>
        {
            result = await new BackupPipeline().WriteAsync(request, BenchObjects.Create(n), destination, default);
            return (result.Meta.Sizes.TarBytes, result.Meta.Sizes.PayloadBytes, (TimeSpan?)null);
        });
        await destination.DeleteAsync(result!.MetaKey, default);
        await destination.DeleteAsync(result.PayloadKey, default);
        return run;
    }

    // The same tar bytes (our writer, no compression) piped through gzip -6 | openssl; only the external pipe is timed.
    private static async Task<Run> RunExternalAsync(IBackupDestination destination, string work, int n, int rep)
    {
        var tarResult = await new BackupPipeline().WriteAsync(
            new BackupRequest { Policy = $"bench-tar{rep}-{n}", Trigger = "bench", Compression = CompressionAlgorithm.None }, BenchObjects.Create(n), destination, default);
        var tarPath = Path.Combine(work, "dest", tarResult.PayloadKey);
        try
        {
            return await MeasureExternalAsync(tarPath);
        }
        finally
        {
            await destination.DeleteAsync(tarResult.MetaKey, default);
            await destination.DeleteAsync(tarResult.PayloadKey, default);
        }
    }

    private static Task<Run> MeasureExternalAsync(string tarPath) =>
        MeasureAsync(async () =>
        {
            // After the pipe ends, the shell's own /proc stat holds its reaped children's CPU time (cutime, cstime).
            var info = new ProcessStartInfo("sh", ["-c", "gzip -6 | openssl enc -aes-256-ctr -pass pass:x -pbkdf2; cat /proc/$$/stat >&2"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(info)!;
            var counting = Task.Run(async () =>
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
                {
                    total += read;
                }

                return total;
            });
            await using (var tar = File.OpenRead(tarPath))
            {
                await tar.CopyToAsync(process.StandardInput.BaseStream);
            }

            process.StandardInput.Close();
            var stored = await counting;
            var stat = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var childTicks = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            return (new FileInfo(tarPath).Length, stored, TimeSpan.FromSeconds(childTicks / 100.0));
        });

    // CPU time: this process's (all threads, GC included), or the external pipe's when the action reports it.
    private static async Task<Run> MeasureAsync(Func<Task<(long TarBytes, long StoredBytes, TimeSpan? Cpu)>> action)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var peakTotal = GC.GetTotalMemory(false);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakTotal = Math.Max(peakTotal, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var (tarBytes, stored, externalCpu) = await action();
        stopwatch.Stop();
        var cpu = externalCpu ?? Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await stop.CancelAsync();
        await sampler;
        return new Run(stopwatch.Elapsed, cpu, tarBytes, stored, peakTotal);
    }

    /// <summary>
    /// An extra, untimed gzip+AES run whose sampler forces a full collection every 100 ms: the true live managed
    /// heap, without garbage. This is the number that shows whether memory grows with the object count.
    /// </summary>
    private static async Task<long> MeasureLiveAsync(IBackupDestination destination, int n, EncryptionKey key)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        long peak = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(100);
            }
        });
        var request = new BackupRequest { Policy = $"bench-live-{n}", Trigger = "bench", Key = key };
        var result = await new BackupPipeline().WriteAsync(request, BenchObjects.Create(n), destination, default);
        await stop.CancelAsync();
        await sampler;
        await destination.DeleteAsync(result.MetaKey, default);
        await destination.DeleteAsync(result.PayloadKey, default);
        return peak;
    }


}
