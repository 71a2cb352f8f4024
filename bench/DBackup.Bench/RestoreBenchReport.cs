using System.Globalization;
using System.Text;

namespace DBackup.Bench;

/// <summary>Markdown for bench/results/restore.md.</summary>
internal static class RestoreBenchReport
{
    private const double Target = 5.0;

    public static string Render(int objects, long payloadBytes, Measured restore, Measured sequential, Measured apply, int reps,
        string loadBefore, string loadAfter, TimeSpan total, string binaries)
    {
        var inv = CultureInfo.InvariantCulture;
        var ratio = apply.Wall.TotalSeconds / restore.Wall.TotalSeconds;
        var sb = new StringBuilder();
        sb.AppendLine("# Restore benchmark");
        sb.AppendLine();
        sb.AppendLine(inv, $"`dotnet run -c Release --project bench/DBackup.Bench -- restore` — {objects:N0} ConfigMaps (~2.7 KiB each, {payloadBytes:N0} bytes encrypted) restored into an empty namespace of a DevCluster running as its own process, against `kubectl apply -R -f` (client-side apply, kubectl {KubectlVersion()}) of the same objects as the YAML tree `dbackup export` writes. Median of {reps} interleaved repetitions (min–max in brackets); peak RSS is the kernel's ru_maxrss of the process (GNU time). Every run is checked to leave exactly {objects:N0} ConfigMaps in its namespace.");
        sb.AppendLine();
        sb.AppendLine("| case | wall | peak RSS | CPU | objects/s |");
        sb.AppendLine("|---|---|---|---|---|");
        Line(sb, $"`dbackup restore` (default parallelism {DBackup.Operator.Restore.RestoreEngine.DefaultParallelism})", restore, objects);
        Line(sb, "`dbackup restore --parallelism 1`", sequential, objects);
        Line(sb, "`kubectl apply -R -f tree/`", apply, objects);
        sb.AppendLine();
        sb.AppendLine(inv, $"- **kubectl apply / dbackup restore: {ratio:F1}×** (target ≥ {Target:F0}×: {(ratio >= Target ? "met" : "**missed**")}).");
        sb.AppendLine(inv, $"- Parallel writes: the sequential restore takes {sequential.Wall.TotalSeconds / restore.Wall.TotalSeconds:F1}× as long as the default one.");
        sb.AppendLine(inv, $"- The restore includes decrypting and verifying the whole backup before the first write, one LIST to plan against the live namespace, the writes, and a LIST to read every object back and compare it.");
        sb.AppendLine();
        sb.AppendLine(inv, $"Machine: {Environment.ProcessorCount} cores, shared with other builds; load average before {loadBefore}, after {loadAfter}. Whole run {total.TotalMinutes:F1} min. Binaries: {binaries}.");
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string name, Measured m, int objects) =>
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {m.Wall.TotalSeconds:F2} s ({m.Min.TotalSeconds:F2}–{m.Max.TotalSeconds:F2}) | {m.PeakRssKb / 1024.0:F0} MiB | {m.Cpu.TotalSeconds:F1} s | {objects / m.Wall.TotalSeconds:N0} |");

    private static string KubectlVersion()
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("kubectl", "version --client") { RedirectStandardOutput = true })!;
            var line = p.StandardOutput.ReadLine() ?? string.Empty;
            p.WaitForExit();
            return line.Replace("Client Version: ", string.Empty, StringComparison.Ordinal).Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
