using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace DBackup.Bench;

/// <summary>Wall time, kernel-reported peak RSS and CPU time of one child process run.</summary>
internal sealed record ProcessRun(TimeSpan Wall, long PeakRssKb, TimeSpan Cpu, string Stdout);

/// <summary>
/// Starts the benchmark's child processes and owns them: every one is killed (with its descendants) on
/// <see cref="Dispose"/>, on Ctrl+C and at process exit, so a failed run leaves no emulator or operator behind.
/// </summary>
internal sealed class BackupBenchProcesses : IDisposable
{
    private readonly List<Process> started = [];
    private readonly Lock gate = new();
    private readonly List<PosixSignalRegistration> signals = [];

    public BackupBenchProcesses()
    {
        // SIGTERM and Ctrl+C end the bench without unwinding its finally blocks, so the children are killed here.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
        {
            signals.Add(PosixSignalRegistration.Create(signal, _ => Dispose()));
        }
    }

    /// <summary>Starts a process with redirected output; DBACKUP_KEY is removed so only --key-file supplies a key.</summary>
    public Process Start(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("DBACKUP_KEY");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        lock (gate)
        {
            started.Add(process);
        }

        return process;
    }

    /// <summary>Starts <c>dbackup devcluster</c> on a free port, writing its kubeconfig, and returns once it listens.</summary>
    public async Task StartDevClusterAsync(string dll, string kubeconfig)
    {
        var cluster = Start("dotnet", [dll, "devcluster", "--port", "0", "--kubeconfig-out", kubeconfig]);
        _ = cluster.StandardError.BaseStream.CopyToAsync(Stream.Null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await cluster.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("Dev cluster listening on ", StringComparison.Ordinal))
            {
                // Keep draining, so the emulator never blocks on a full pipe.
                _ = cluster.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return;
            }
        }

        throw new InvalidOperationException("dbackup devcluster exited before listening");
    }

    /// <summary>
    /// Runs a command under GNU <c>/usr/bin/time</c>: its %M is the kernel's ru_maxrss, exact even for the last
    /// moments before exit that polling VmHWM would miss. For a shell pipeline it is the largest single process.
    /// </summary>
    public async Task<ProcessRun> RunTimedAsync(string file, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var timeFile = Path.GetTempFileName();
        var clock = Stopwatch.StartNew();
        var process = Start("/usr/bin/time", ["-o", timeFile, "-f", "%e %M %U %S", file, .. args]);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{file} {string.Join(' ', args)} ran longer than {timeout}");
            }

            clock.Stop();
            var output = await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{output}");
            }

            // The last line holds the format; GNU time puts "Command exited with non-zero status" lines before it.
            var fields = (await File.ReadAllLinesAsync(timeFile)).Last(l => l.Length > 0).Split(' ');
            var cpu = double.Parse(fields[2], CultureInfo.InvariantCulture) + double.Parse(fields[3], CultureInfo.InvariantCulture);
            return new ProcessRun(clock.Elapsed, long.Parse(fields[1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(cpu), output);
        }
        finally
        {
            // Kills it (and its descendants) when it timed out or the bench failed meanwhile.
            Release(process);
            File.Delete(timeFile);
        }
    }

    /// <summary>Sends SIGTERM (what Kubernetes sends a pod) and waits for the exit; the exit code, or null on timeout.</summary>
    public static async Task<int?> TerminateAsync(Process process, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>VmRSS and VmHWM of a running process in KiB, from /proc.</summary>
    public static (long RssKb, long HwmKb) Memory(int pid)
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kb(line);
            }
        }

        return (rss, hwm);
        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Kills the process if it still runs and stops tracking it.</summary>
    public void Release(Process process)
    {
        lock (gate)
        {
            started.Remove(process);
        }

        Stop(process);
    }

    public void Dispose()
    {
        Process[] all;
        lock (gate)
        {
            all = [.. started];
            started.Clear();
        }

        foreach (var process in all)
        {
            Stop(process);
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone or never fully started: nothing left to kill.
        }

        process.Dispose();
    }
}
