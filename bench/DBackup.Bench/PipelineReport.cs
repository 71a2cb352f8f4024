using System.Globalization;
using System.Text;

namespace DBackup.Bench;

/// <summary>Markdown report of the pipeline benchmark.</summary>
internal static class PipelineReport
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Prints a bench report and writes it to <paramref name="output"/>, creating its folder.</summary>
    public static async Task PublishAsync(string report, string output)
    {
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine($"written to {output}");
    }

    public static string Render(List<Row> rows, string loadBefore, string loadAfter)
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
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Each case ran {PipelineBench.Repetitions} times interleaved; the table shows the fastest run and the highest memory peak.");
        sb.AppendLine("- MB/s = tar (uncompressed) bytes / wall time; \"ours\" includes generating objects, hashing, spooling, tar, gzip, AES and the write;");
        sb.AppendLine("  the external pipe is timed only for `gzip -6 | openssl enc -aes-256-ctr -pbkdf2` over the finished tar file.");
        sb.AppendLine("- CPU s: this process's CPU time for ours (includes generating the objects, GC and the sampler), the pipe's children (gzip, openssl) for the external case;");
        sb.AppendLine("  on a loaded machine MB per CPU-second is the steadier comparison, wall time also shows what parallelism buys.");
        sb.AppendLine("- Peak allocated: max of GC.GetTotalMemory(false) sampled every 5 ms; it counts garbage not yet collected (the gen0 budget).");
        sb.AppendLine("- Peak live managed: a separate, untimed gzip+AES run whose sampler forces a full GC every 100 ms (GC.GetTotalMemory(true)).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- The machine is shared with other build/test work: load average (1/5/15 min) {loadBefore} before, {loadAfter} after the run.");
        sb.AppendLine();
        sb.AppendLine("| objects | case | time s | CPU s | MB/s | MB per CPU-s | objects/s | tar MB | stored MB | peak allocated MB |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Line(sb, row.Objects, "ours: gzip Optimal", row.Plain);
            Line(sb, row.Objects, "ours: gzip Optimal + AES-256-GCM", row.Encrypted);
            Line(sb, row.Objects, "gzip -6 \\| openssl aes-256-ctr", row.External);
        }

        sb.AppendLine();
        sb.AppendLine("| objects | peak live managed MB (gzip+AES, full GC every 100 ms) |");
        sb.AppendLine("|---:|---:|");
        foreach (var row in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {row.Objects} | {row.LivePeakBytes / 1e6:F2} |");
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
            var cpuRatio = row.External.Cpu.TotalSeconds / row.Encrypted.Cpu.TotalSeconds;
            var cpuOverhead = row.Encrypted.Cpu.TotalSeconds / row.Plain.Cpu.TotalSeconds - 1;
            Ratio(sb, $"{row.Objects} objects: CPU efficiency, ours (gzip+AES) vs gzip\\|openssl", $"{cpuRatio:F2}x", "(info)", null);
            Ratio(sb, $"{row.Objects} objects: encryption CPU overhead vs compression alone", $"{cpuOverhead * 100:F1}%", "(info)", null);
        }

        if (rows.Count >= 2)
        {
            var small = rows.MinBy(r => r.Objects)!;
            var large = rows.MaxBy(r => r.Objects)!;
            var growth = (double)large.LivePeakBytes / small.LivePeakBytes;
            Ratio(sb, $"peak live managed memory {large.Objects} vs {small.Objects} objects (gzip+AES)", $"{growth:F2}x", "<= 1.3x", growth <= 1.3);
        }

        return sb.ToString();
    }

    private static void Line(StringBuilder sb, int objects, string name, Run run)
    {
        var seconds = run.Elapsed.TotalSeconds;
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| {objects} | {name} | {seconds:F2} | {run.Cpu.TotalSeconds:F2} | {run.TarBytes / 1e6 / seconds:F1} | {run.TarBytes / 1e6 / run.Cpu.TotalSeconds:F1} | {objects / seconds:F0} | {run.TarBytes / 1e6:F1} | {run.StoredBytes / 1e6:F1} | {run.PeakTotalBytes / 1e6:F1} |");
    }

    private static void Ratio(StringBuilder sb, string name, string value, string target, bool? met) =>
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} | {target} | {met switch { true => "yes", false => "**no**", null => "-" }} |");
}

internal sealed record Run(TimeSpan Elapsed, TimeSpan Cpu, long TarBytes, long StoredBytes, long PeakTotalBytes);

internal sealed record Row(int Objects, Run Plain, Run Encrypted, Run External, long LivePeakBytes);
