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
    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "replicas", "timeout", "endpoint", "enabled", "region", "cache", "retry", "backoff", "tls", "metrics", "logging", "level", "debug", "info", "warn"];

    private const int Repetitions = 3;

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

        var loadBefore = LoadAverage();
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

                rows.Add(new Row(n, plain!, encrypted!, external!));
            }

            var report = Report(rows, loadBefore, LoadAverage());
            Console.WriteLine(report);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, report);
            Console.WriteLine($"written to {output}");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Fastest time; peak memory is the worst seen in any repetition.
    private static Run Best(Run? a, Run b) => a is null ? b
        : (a.Elapsed <= b.Elapsed ? a : b) with { PeakBytes = Math.Max(a.PeakBytes, b.PeakBytes), PeakTotalBytes = Math.Max(a.PeakTotalBytes, b.PeakTotalBytes) };

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
            result = await new BackupPipeline().WriteAsync(request, Objects(n), destination, default);
            return (result.Meta.Sizes.TarBytes, result.Meta.Sizes.PayloadBytes);
        });
        await destination.DeleteAsync(result!.MetaKey, default);
        await destination.DeleteAsync(result.PayloadKey, default);
        return run;
    }

    // The same tar bytes (our writer, no compression) piped through gzip -6 | openssl; only the external pipe is timed.
    private static async Task<Run> RunExternalAsync(IBackupDestination destination, string work, int n, int rep)
    {
        var tarResult = await new BackupPipeline().WriteAsync(
            new BackupRequest { Policy = $"bench-tar{rep}-{n}", Trigger = "bench", Compression = CompressionAlgorithm.None }, Objects(n), destination, default);
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
            var info = new ProcessStartInfo("sh", ["-c", "gzip -6 | openssl enc -aes-256-ctr -pass pass:x -pbkdf2"])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
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
            await process.WaitForExitAsync();
            return (new FileInfo(tarPath).Length, stored);
        });

    private static async Task<Run> MeasureAsync(Func<Task<(long TarBytes, long StoredBytes)>> action)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long peakLive = LiveAfterLastGc(), peakTotal = GC.GetTotalMemory(false);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakLive = Math.Max(peakLive, LiveAfterLastGc());
                peakTotal = Math.Max(peakTotal, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var stopwatch = Stopwatch.StartNew();
        var (tarBytes, stored) = await action();
        stopwatch.Stop();
        await stop.CancelAsync();
        await sampler;
        peakLive = Math.Max(peakLive, LiveAfterLastGc());
        return new Run(stopwatch.Elapsed, tarBytes, stored, peakLive, peakTotal);
    }

    // What survived the most recent GC: the retained heap, without the gen0 allocation budget that
    // GC.GetTotalMemory(false) also counts (garbage not yet collected).
    private static long LiveAfterLastGc()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        long live = 0;
        foreach (var generation in info.GenerationInfo)
        {
            live += generation.SizeAfterBytes;
        }

        return live;
    }

    /// <summary>
    /// ConfigMap-like objects of ~2.7 KiB generated lazily (never all in memory) from 1,000 varied bodies, so that
    /// producing them costs little next to the pipeline; repeats are ~2.7 MB apart, far outside gzip's 32 KiB window.
    /// </summary>
    private static async IAsyncEnumerable<BackupObject> Objects(int n, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var templates = Templates.Value;
        for (var i = 0; i < n; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (ns, prefix, suffix) = templates[i % templates.Length];
            var name = $"{Words[i % Words.Length]}-config-{i:D7}";
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var json = new byte[prefix.Length + nameBytes.Length + suffix.Length];
            prefix.CopyTo(json, 0);
            nameBytes.CopyTo(json, prefix.Length);
            suffix.CopyTo(json, prefix.Length + nameBytes.Length);
            yield return new BackupObject(new ObjectRef("bench", string.Empty, "v1", "configmaps", "ConfigMap", ns, name), json);
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }
        }
    }

    private static readonly Lazy<(string Ns, byte[] Prefix, byte[] Suffix)[]> Templates = new(() =>
    {
        var random = new Random(1234);
        return Enumerable.Range(0, 1000).Select(_ => Template(random)).ToArray();
    });

    private static (string Ns, byte[] Prefix, byte[] Suffix) Template(Random random)
    {
        var ns = $"team-{random.Next(40):D2}";
        var data = new Dictionary<string, string>();
        var size = 0;
        while (size < 2000)
        {
            var keyName = $"{Words[random.Next(Words.Length)]}.{Words[random.Next(Words.Length)]}{random.Next(100)}";
            // Mostly config text, some numbers and URLs, a few random tokens (certificates, hashes).
            var value = random.Next(10) switch
            {
                0 => Convert.ToBase64String(RandomBytes(random, random.Next(16, 48))),
                1 or 2 => random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
                3 or 4 => $"https://{Words[random.Next(Words.Length)]}.{ns}.svc.cluster.local:{random.Next(1024, 65535)}/{Words[random.Next(Words.Length)]}",
                _ => string.Join('\n', Enumerable.Range(0, random.Next(2, 8)).Select(_ => $"{Words[random.Next(Words.Length)]}_{Words[random.Next(Words.Length)]} = {Words[random.Next(Words.Length)]}")),
            };
            data[keyName] = value;
            size += keyName.Length + value.Length + 6;
        }

        const string marker = "@@NAME@@";
        var json = JsonSerializer.Serialize(new
        {
            apiVersion = "v1",
            kind = "ConfigMap",
            metadata = new
            {
                name = marker,
                @namespace = ns,
                uid = new Guid(RandomBytes(random, 16)),
                resourceVersion = random.Next(1, 9_999_999).ToString(CultureInfo.InvariantCulture),
                labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = Words[random.Next(Words.Length)], ["tier"] = Words[random.Next(Words.Length)] },
            },
            data,
        });
        var at = json.IndexOf(marker, StringComparison.Ordinal);
        return (ns, Encoding.UTF8.GetBytes(json[..at]), Encoding.UTF8.GetBytes(json[(at + marker.Length)..]));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Report(List<Row> rows, string loadBefore, string loadAfter)
    {
        var sb = new StringBuilder();
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        sb.AppendLine("# Pipeline benchmark");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Environment.ProcessorCount} cores{(cpu is null ? "" : $", {cpu}")}, {Environment.OSVersion}, .NET {Environment.Version}");
        sb.AppendLine("- Command: `dotnet run -c Release --project bench/DBackup.Bench -- pipeline`");
        sb.AppendLine("- Objects: ConfigMap-like JSON, ~2.7 KiB each (1,000 varied bodies, unique names), generated lazily; destination: FilesystemDestination on local disk.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Each case ran {Repetitions} times interleaved; the table shows the fastest run and the highest memory peak.");
        sb.AppendLine("- MB/s = tar (uncompressed) bytes / wall time; \"ours\" includes generating objects, hashing, spooling, tar, gzip, AES and the write;");
        sb.AppendLine("  the external pipe is timed only for `gzip -6 | openssl enc -aes-256-ctr -pbkdf2` over the finished tar file.");
        sb.AppendLine("- Peak live managed: max over the run (sampled every 5 ms) of the heap that survived the latest GC (sum of GenerationInfo.SizeAfterBytes);");
        sb.AppendLine("  peak allocated: max of GC.GetTotalMemory(false), which also counts garbage not yet collected (the gen0 budget).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- The machine is shared with other build/test work: load average (1/5/15 min) {loadBefore} before, {loadAfter} after the run.");
        sb.AppendLine();
        sb.AppendLine("| objects | case | time s | MB/s | objects/s | tar MB | stored MB | peak live managed MB | peak allocated MB |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Line(sb, row.Objects, "ours: gzip Optimal", row.Plain);
            Line(sb, row.Objects, "ours: gzip Optimal + AES-256-GCM", row.Encrypted);
            Line(sb, row.Objects, "gzip -6 \\| openssl aes-256-ctr", row.External);
        }

        sb.AppendLine();
        sb.AppendLine("| ratio | value | target | met |");
        sb.AppendLine("|---|---:|---:|---|");
        foreach (var row in rows)
        {
            var speedup = row.External.Elapsed.TotalSeconds / row.Encrypted.Elapsed.TotalSeconds;
            var overhead = row.Encrypted.Elapsed.TotalSeconds / row.Plain.Elapsed.TotalSeconds - 1;
            Ratio(sb, $"{row.Objects} objects: ours (gzip+AES) speed vs gzip\\|openssl", $"{speedup:F2}x", ">= 1.5x", speedup >= 1.5);
            Ratio(sb, $"{row.Objects} objects: encryption overhead vs compression alone", $"{overhead * 100:F1}%", "<= 10%", overhead <= 0.10);
        }

        if (rows.Count >= 2)
        {
            var small = rows.MinBy(r => r.Objects)!;
            var large = rows.MaxBy(r => r.Objects)!;
            var growth = (double)large.Encrypted.PeakBytes / small.Encrypted.PeakBytes;
            Ratio(sb, $"peak live managed memory {large.Objects} vs {small.Objects} objects (gzip+AES)", $"{growth:F2}x", "<= 1.3x", growth <= 1.3);
        }

        return sb.ToString();
    }

    private static void Line(StringBuilder sb, int objects, string name, Run run)
    {
        var seconds = run.Elapsed.TotalSeconds;
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| {objects} | {name} | {seconds:F2} | {run.TarBytes / 1e6 / seconds:F1} | {objects / seconds:F0} | {run.TarBytes / 1e6:F1} | {run.StoredBytes / 1e6:F1} | {run.PeakBytes / 1e6:F1} | {run.PeakTotalBytes / 1e6:F1} |");
    }

    private static void Ratio(StringBuilder sb, string name, string value, string target, bool met) =>
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} | {target} | {(met ? "yes" : "**no**")} |");

    private sealed record Run(TimeSpan Elapsed, long TarBytes, long StoredBytes, long PeakBytes, long PeakTotalBytes);

    private sealed record Row(int Objects, Run Plain, Run Encrypted, Run External);
}
