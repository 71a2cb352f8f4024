using System.Globalization;
using System.Text;

namespace DBackup.Bench;

/// <summary>Median of the repetitions, with the spread of wall times; RSS and CPU are medians too.</summary>
internal sealed record Measured(TimeSpan Wall, TimeSpan Min, TimeSpan Max, long PeakRssKb, TimeSpan Cpu)
{
    public static Measured Of(IReadOnlyList<ProcessRun> runs) => new(
        Median(runs.Select(r => r.Wall)), runs.Min(r => r.Wall), runs.Max(r => r.Wall),
        runs.Select(r => r.PeakRssKb).Order().ElementAt(runs.Count / 2), Median(runs.Select(r => r.Cpu)));

    public static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

internal sealed record BackupPoint(int ConfigMaps, int Secrets, long Objects, long StoredBytes, long ListObjects, long ListBytes, long PipeBytes, TimeSpan Seed,
    Measured Backup, TimeSpan BackupWork, Measured Optimal, Measured NoGzip, Measured BareList, TimeSpan WarmList, Measured Pipe)
{
    public IReadOnlyList<ProfileStage> Profile { get; init; } = [];
}

internal sealed record IdleOperator(long RssKb, long HwmKb, TimeSpan Cpu, int? ExitCode, TimeSpan StopTime, int WarningLines, IReadOnlyList<string> LastLines);

/// <summary>Markdown report of the backup benchmark.</summary>
internal static class BackupBenchReport
{
    public static string Render(Measured startup, IReadOnlyList<BackupPoint> points, IdleOperator idle, int reps, string loadBefore, string loadAfter, TimeSpan total, string binaries)
    {
        var sb = new StringBuilder();
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var counts = string.Join(',', points.Select(p => p.ConfigMaps.ToString(CultureInfo.InvariantCulture)));
        sb.AppendLine("# Backup benchmark");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; whole run {total.TotalMinutes:F1} min");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Environment.ProcessorCount} cores{(cpu is null ? "" : $", {cpu}")}, {Environment.OSVersion}, .NET {Environment.Version}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1/5/15 min), shared with other build/test work: {loadBefore} before, {loadAfter} after the run.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Rerun: `dotnet run -c Release --project bench/DBackup.Bench -- backup --configmaps {counts}` from the repository root.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Binaries: {binaries}.");
        sb.AppendLine("- Cluster: `dbackup devcluster` as its own process on 127.0.0.1; seeded over HTTP by 8 concurrent writers with BenchObjects ConfigMaps");
        sb.AppendLine("  (~2 KiB of data, ~2.7 KiB JSON each) and Opaque Secrets holding the same data base64-encoded, across the 40 team-NN namespaces.");
        sb.AppendLine("- Cases, each its own process under GNU `/usr/bin/time` (wall time from the bench, peak RSS = the kernel's ru_maxrss):");
        sb.AppendLine("  - **backup**: `dotnet dbackup.dll backup --policy P --key-file K --dest D`: configmaps+secrets of the 40 namespaces, includeSecrets, gzip at the CRD's default level + AES-256-GCM.");
        sb.AppendLine("  - backup, gzip optimal: the same with `compression.level: optimal` (zlib level 6).");
        sb.AppendLine("  - backup, compression none: the same with `compression.algorithm: none` (AES still on), to show what gzip costs.");
        sb.AppendLine("  - **bare LIST**: `DBackup.Bench backup --bare-list`: the collector's requests (per resource, per namespace, limit=500 + continue), bodies");
        sb.AppendLine("    read and scanned once with Utf8JsonReader for the continue token and the item count, nothing kept. Also timed in the warm bench process.");
        sb.AppendLine("  - **kubectl pipe**: `bash -c \"kubectl get configmaps,secrets -A -o json | gzip | openssl enc -aes-256-ctr -pbkdf2 > file\"` (kubectl pages by 500);");
        sb.AppendLine("    its peak RSS is that of the largest process in the pipe (kubectl).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {reps} repetitions per point, interleaved; the tables show medians (wall time spread in brackets).");
        sb.AppendLine();
        sb.AppendLine("| ConfigMaps + Secrets | case | wall s (min-max) | CPU s | peak RSS MB | LIST MB/s | objects/s |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var p in points)
        {
            var label = $"{p.ConfigMaps:N0} + {p.Secrets:N0}";
            Line(sb, label, "**backup** (dbackup process)", p.Backup, p);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {label} | backup, work only (meta createdAt to completedAt) | {p.BackupWork.TotalSeconds:F2} | | | {Rate(p.ListBytes / 1e6, p.BackupWork)} | {Rate(p.Objects, p.BackupWork)} |");
            Line(sb, label, "backup, gzip optimal", p.Optimal, p);
            Line(sb, label, "backup, compression none", p.NoGzip, p);
            Line(sb, label, "**bare LIST** (process)", p.BareList, p);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {label} | bare LIST in the warm bench process | {p.WarmList.TotalSeconds:F2} | | | {Rate(p.ListBytes / 1e6, p.WarmList)} | {Rate(p.Objects, p.WarmList)} |");
            Line(sb, label, "**kubectl \\| gzip \\| openssl**", p.Pipe, p);
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Fixed cost of a `dbackup backup` process on a namespace with 1 ConfigMap (runtime start, JIT, discovery, key, write): {startup.Wall.TotalSeconds:F2} s wall, {startup.Cpu.TotalSeconds:F2} s CPU, {startup.PeakRssKb / 1024.0:F0} MB peak RSS.");
        sb.AppendLine();
        sb.AppendLine("| point | objects backed up | LIST objects / MB | backup stored MB | kubectl pipe output MB | seeding |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var p in points)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {p.ConfigMaps:N0} + {p.Secrets:N0} | {p.Objects:N0} | {p.ListObjects:N0} / {p.ListBytes / 1e6:F1} | {p.StoredBytes / 1e6:F1} | {p.PipeBytes / 1e6:F1} | {p.Seed.TotalSeconds:F0} s |");
        }

        sb.AppendLine();
        sb.AppendLine("| ratio | value | target | met |");
        sb.AppendLine("|---|---:|---:|---|");
        foreach (var p in points)
        {
            var label = $"{p.ConfigMaps:N0} + {p.Secrets:N0}";
            var vsList = p.Backup.Wall / p.BareList.Wall;
            Ratio(sb, $"{label}: backup / bare LIST, wall time of the processes", $"{vsList:F2}x", "<= 1.2x", vsList <= 1.2);
            Ratio(sb, $"{label}: backup work only / warm bare LIST (no startup on either side)", $"{p.BackupWork / p.WarmList:F2}x", "(info)", null);
            Ratio(sb, $"{label}: backup with gzip optimal / bare LIST, processes", $"{p.Optimal.Wall / p.BareList.Wall:F2}x", "(info)", null);
            Ratio(sb, $"{label}: backup without gzip / bare LIST, processes", $"{p.NoGzip.Wall / p.BareList.Wall:F2}x", "(info)", null);
            var vsPipe = p.Pipe.Wall / p.Backup.Wall;
            Ratio(sb, $"{label}: kubectl pipe / backup, wall time", $"{vsPipe:F2}x faster", ">= 3x", vsPipe >= 3);
            Ratio(sb, $"{label}: kubectl pipe / backup, CPU time", $"{p.Pipe.Cpu / p.Backup.Cpu:F2}x", "(info)", null);
        }

        if (points.Count >= 2)
        {
            var small = points[0];
            var large = points[^1];
            var growth = (double)large.Backup.PeakRssKb / small.Backup.PeakRssKb;
            Ratio(sb, $"backup peak RSS, {large.ConfigMaps:N0} vs {small.ConfigMaps:N0} ConfigMaps", $"{growth:F2}x", "<= 1.3x", growth <= 1.3);
        }

        sb.AppendLine();
        sb.AppendLine("Where the time goes: in-process, warm (one untimed pass of each stage before the first point), the operator's own ObjectCollector and");
        sb.AppendLine("BackupPipeline called from the bench; CPU is the bench process's alone (the emulator runs elsewhere). Medians of the repetitions.");
        sb.AppendLine();
        sb.AppendLine("| ConfigMaps + Secrets | stage | wall s | CPU s | objects/s |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        foreach (var p in points)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {p.ConfigMaps:N0} + {p.Secrets:N0} | bare LIST (HttpClient, Utf8JsonReader scan) | {p.WarmList.TotalSeconds:F2} | | {Rate(p.Objects, p.WarmList)} |");
            foreach (var stage in p.Profile)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {p.ConfigMaps:N0} + {p.Secrets:N0} | {stage.Name} | {stage.Wall.TotalSeconds:F2} | {stage.Cpu.TotalSeconds:F2} | {Rate(p.Objects, stage.Wall)} |");
            }
        }

        sb.AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Operator idle (`dbackup operator --port 0`, CRDs installed, no policies, {points[^1].ConfigMaps:N0} ConfigMaps in the cluster), after 10 s: ")
            + string.Create(CultureInfo.InvariantCulture, $"RSS {idle.RssKb / 1024.0:F0} MB (peak {idle.HwmKb / 1024.0:F0} MB), {idle.Cpu.TotalSeconds:F2} s CPU so far. SIGTERM: ")
            + (idle.ExitCode is { } code ? string.Create(CultureInfo.InvariantCulture, $"exited with {code} after {idle.StopTime.TotalSeconds:F2} s") : "**did not exit within 30 s**")
            + $"; {idle.WarningLines} WRN/ERR/FTL log lines.");
        return sb.ToString();
    }

    private static string Rate(double amount, TimeSpan time) => (amount / time.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sb, string label, string name, Measured m, BackupPoint p) =>
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| {label} | {name} | {m.Wall.TotalSeconds:F2} ({m.Min.TotalSeconds:F2}-{m.Max.TotalSeconds:F2}) | {m.Cpu.TotalSeconds:F2} | {m.PeakRssKb / 1024.0:F0} | {Rate(p.ListBytes / 1e6, m.Wall)} | {Rate(p.Objects, m.Wall)} |");

    private static void Ratio(StringBuilder sb, string name, string value, string target, bool? met) =>
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} | {target} | {met switch { true => "yes", false => "**no**", null => "-" }} |");
}
