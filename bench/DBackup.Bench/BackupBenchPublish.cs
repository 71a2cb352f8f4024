namespace DBackup.Bench;

/// <summary>
/// Like with like: the backup and the bare LIST it is compared with both run as separate processes built the same way.
/// By default both are published with <c>dotnet publish -c Release</c> and ReadyToRun (the operator's csproj sets it, as
/// shipped in the image; the bench is published with the same flag), into the run's own folder with its own
/// <c>--artifacts-path</c>, so the shared tree's bin/obj are not touched. <c>--build-output</c> runs both from the
/// plain <c>dotnet build</c> output instead (no ReadyToRun on either side).
/// </summary>
internal static class BackupBenchPublish
{
    /// <summary>The dbackup.dll and DBackup.Bench.dll to run, and how they were built (for the report).</summary>
    public sealed record Binaries(string Dbackup, string Bench, string How);

    public static async Task<Binaries> PrepareAsync(BackupBenchProcesses children, string work, bool buildOutput)
    {
        if (buildOutput)
        {
            var dll = Path.GetFullPath(Path.Combine("src", "DBackup.Operator", "bin", "Release", "net10.0", "dbackup.dll"));
            return new Binaries(dll, typeof(BackupBench).Assembly.Location, "`dotnet build -c Release` output of both, no ReadyToRun");
        }

        var artifacts = Path.Combine(work, "artifacts");
        var dbackup = Path.Combine(work, "publish-dbackup");
        var bench = Path.Combine(work, "publish-bench");
        Console.WriteLine("publishing dbackup and the bench (ReadyToRun) ...");
        await children.RunTimedAsync("dotnet", ["publish", Path.Combine("src", "DBackup.Operator"), "-c", "Release", "--artifacts-path", artifacts, "-o", dbackup], TimeSpan.FromMinutes(10));
        await children.RunTimedAsync("dotnet", ["publish", Path.Combine("bench", "DBackup.Bench"), "-c", "Release", "-p:PublishReadyToRun=true", "--artifacts-path", artifacts, "-o", bench], TimeSpan.FromMinutes(10));
        return new Binaries(Path.Combine(dbackup, "dbackup.dll"), Path.Combine(bench, "DBackup.Bench.dll"),
            "`dotnet publish -c Release` (ReadyToRun, from the operator's csproj) of dbackup; the bench published with `-p:PublishReadyToRun=true`, so the bare LIST child is built the same way");
    }
}
