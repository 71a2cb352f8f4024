using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace DBackup.Bench;

/// <summary>
/// One policy backup (<c>dbackup backup</c>, a separate process) of N ConfigMaps + 2k Secrets in a DevCluster that
/// runs as its own process, against a bare paged LIST of the same objects and the kubectl | gzip | openssl pipeline,
/// interleaved in one run; then the idle RSS of <c>dbackup operator</c> and its SIGTERM exit.
/// </summary>
internal static class BackupBench
{
    private static readonly string[] Resources = ["configmaps", "secrets"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.FirstOrDefault() == "--bare-list")
        {
            return await BackupBenchList.RunChildAsync(args[1..]);
        }

        if (args.FirstOrDefault() == "--seed")
        {
            return await SeedAsync(args[1..]);
        }

        List<int> counts = [10_000, 100_000];
        var secrets = 2_000;
        var reps = PipelineBench.Repetitions;
        var output = Path.Combine("bench", "results", "backup.md");
        string? dllOverride = null;
        var buildOutput = args.Contains("--build-output");
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--configmaps": counts = [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order()]; break;
                case "--secrets": secrets = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--reps": reps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": output = args[i + 1]; break;
                case "--dbackup": dllOverride = Path.GetFullPath(args[i + 1]); break;
            }
        }

        var loadBefore = PipelineReport.LoadAverage();
        var clock = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("dbackup-backup-bench-").FullName;
        using var children = new BackupBenchProcesses();
        try
        {
            var binaries = await BackupBenchPublish.PrepareAsync(children, work, buildOutput);
            var dll = dllOverride ?? binaries.Dbackup;
            if (!File.Exists(dll))
            {
                Console.Error.WriteLine($"{dll} not found; build it first: dotnet build src/DBackup.Operator -c Release");
                return 2;
            }

            var kubeconfig = Path.Combine(work, "kubeconfig");
            await children.StartDevClusterAsync(dll, kubeconfig);
            using var http = BackupBenchList.Client(kubeconfig);
            var namespaces = await BackupBenchSeeder.CreateNamespacesAsync(http);
            var run = new Setup(children, dll, binaries.Bench, work, kubeconfig, Path.Combine(work, "key"), namespaces);
            await children.RunTimedAsync("dotnet", [dll, "keygen", "--out", run.Key], TimeSpan.FromMinutes(1));

            // Fixed cost of one `dbackup backup` process (runtime start, JIT, discovery) on a namespace holding one ConfigMap.
            var startup = new List<ProcessRun>();
            for (var rep = 0; rep < reps; rep++)
            {
                startup.Add((await BackupAsync(run, Policy(run, "startup", ["default"], Compression.Default))).Run);
            }

            var points = new List<BackupPoint>();
            var seeded = 0;
            foreach (var count in counts)
            {
                var seedClock = Stopwatch.StartNew();
                await BackupBenchSeeder.ConfigMapsAsync(http, seeded, count);
                if (seeded == 0)
                {
                    await BackupBenchSeeder.SecretsAsync(http, secrets);
                }

                seeded = count;
                Console.WriteLine($"seeded {count} ConfigMaps + {secrets} Secrets in {seedClock.Elapsed.TotalSeconds:F1} s (load {PipelineReport.LoadAverage()})");
                var point = await MeasurePointAsync(run, http, count, secrets, seedClock.Elapsed, reps);
                points.Add(point with { Profile = await BackupBenchProfile.RunAsync(kubeconfig, http, namespaces, Resources, work, reps, warmUp: points.Count == 0) });
            }

            var idle = await IdleOperatorAsync(run);
            var report = BackupBenchReport.Render(Measured.Of(startup), points, idle, reps, loadBefore, PipelineReport.LoadAverage(), clock.Elapsed, dllOverride ?? binaries.How);
            await PipelineReport.PublishAsync(report, output);
            return 0;
        }
        finally
        {
            children.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// <c>backup --seed KUBECONFIG CONFIGMAPS SECRETS</c>: fills a running cluster (e.g. <c>dbackup devcluster</c>) with the
    /// bench's namespaces and objects, to profile a backup of them by hand. Prints the namespaces for a policy.
    /// </summary>
    private static async Task<int> SeedAsync(string[] args)
    {
        using var http = BackupBenchList.Client(args[0]);
        var namespaces = await BackupBenchSeeder.CreateNamespacesAsync(http);
        await BackupBenchSeeder.ConfigMapsAsync(http, 0, int.Parse(args[1], CultureInfo.InvariantCulture));
        await BackupBenchSeeder.SecretsAsync(http, int.Parse(args[2], CultureInfo.InvariantCulture));
        Console.WriteLine(string.Join(',', namespaces));
        return 0;
    }

    private static async Task<BackupPoint> MeasurePointAsync(Setup run, HttpClient http, int count, int secrets, TimeSpan seed, int reps)
    {
        var gzip = Policy(run, $"gzip-{count}", run.Namespaces, Compression.Default);
        var optimal = Policy(run, $"optimal-{count}", run.Namespaces, Compression.Optimal);
        var plain = Policy(run, $"plain-{count}", run.Namespaces, Compression.None);
        var benchDll = run.BenchDll;
        var pipeOut = Path.Combine(run.Work, "kubectl.json.gz.enc");
        var pipe = $"set -o pipefail; kubectl --kubeconfig '{run.Kubeconfig}' get configmaps,secrets -A -o json | gzip | openssl enc -aes-256-ctr -pass pass:x -pbkdf2 > '{pipeOut}'";
        List<ProcessRun> backups = [], optimals = [], plains = [], bares = [], pipes = [];
        List<TimeSpan> works = [], warms = [];
        BackupOutcome? last = null;
        (long Objects, long Bytes, TimeSpan Elapsed) warm = default;
        for (var rep = 0; rep < reps; rep++)
        {
            // Interleaved, so a load spike from the shared machine hits every case rather than one.
            last = await BackupAsync(run, gzip);
            backups.Add(last.Run);
            works.Add(last.Work);
            optimals.Add((await BackupAsync(run, optimal)).Run);
            plains.Add((await BackupAsync(run, plain)).Run);
            bares.Add(await run.Children.RunTimedAsync("dotnet", [benchDll, "backup", "--bare-list", run.Kubeconfig, string.Join(',', run.Namespaces), string.Join(',', Resources)], TimeSpan.FromMinutes(5)));
            warm = await BackupBenchList.ListAsync(http, run.Namespaces, Resources);
            warms.Add(warm.Elapsed);
            pipes.Add(await run.Children.RunTimedAsync("bash", ["-c", pipe], TimeSpan.FromMinutes(5)));
            Console.WriteLine($"{count}: rep {rep + 1}/{reps}: backup {last.Run.Wall.TotalSeconds:F2} s ({last.Run.PeakRssKb / 1024} MB), optimal {optimals[^1].Wall.TotalSeconds:F2} s, no-gzip {plains[^1].Wall.TotalSeconds:F2} s, "
                + $"bare LIST process {bares[^1].Wall.TotalSeconds:F2} s, in-process {BackupBenchList.Describe(warm.Objects, warm.Bytes, warm.Elapsed)}, kubectl pipe {pipes[^1].Wall.TotalSeconds:F2} s ({pipes[^1].PeakRssKb / 1024} MB)");
        }

        return new BackupPoint(count, secrets, last!.Objects, last.StoredBytes, warm.Objects, warm.Bytes, new FileInfo(pipeOut).Length, seed,
            Measured.Of(backups), Measured.Median(works), Measured.Of(optimals), Measured.Of(plains), Measured.Of(bares), Measured.Median(warms), Measured.Of(pipes));
    }


    private static async Task<BackupOutcome> BackupAsync(Setup run, string policy)
    {
        var dest = Path.Combine(run.Work, "dest");
        var result = await run.Children.RunTimedAsync("dotnet",
            [run.Dll, "backup", "--policy", policy, "--kubeconfig", run.Kubeconfig, "--dest", dest, "--key-file", run.Key, "--data-dir", Path.Combine(run.Work, "cli-data")], TimeSpan.FromMinutes(5));
        try
        {
            // createdAt is taken just before collection starts, completedAt when the archive is complete: the work without process startup.
            using var meta = JsonDocument.Parse(await File.ReadAllBytesAsync(Directory.GetFiles(dest, "*.meta.json", SearchOption.AllDirectories).Single()));
            var root = meta.RootElement;
            var work = root.GetProperty("completedAt").GetDateTimeOffset() - root.GetProperty("createdAt").GetDateTimeOffset();
            var stored = root.GetProperty("sizes").GetProperty("payloadBytes").GetInt64();
            return new BackupOutcome(result, work, root.GetProperty("objects").GetInt64(), stored);
        }
        finally
        {
            Directory.Delete(dest, recursive: true);
        }
    }

    private static string Policy(Setup run, string name, IEnumerable<string> namespaces, Compression compression)
    {
        var path = Path.Combine(run.Work, $"policy-{name}.yaml");

        // Default: the CRD's default level, which is what a policy without `level` gets.
        var level = compression switch
        {
            Compression.None => "    algorithm: none",
            Compression.Optimal => "    algorithm: gzip\n    level: optimal",
            _ => "    algorithm: gzip",
        };
        File.WriteAllText(path, $"""
            apiVersion: dbackup.io/v1alpha1
            kind: MetaBackupPolicy
            metadata:
              name: bench-{name}
              namespace: default
            spec:
              schedule: "0 3 * * *"
              includeSecrets: true
              compression:
            {level}
              sources:
              - name: config
                kubernetes:
                  resources: [{string.Join(", ", Resources)}]
                  namespaces: [{string.Join(", ", namespaces)}]
              destination:
                filesystem:
                  path: {Path.Combine(run.Work, "unused")}
            """);
        return path;
    }

    /// <summary>An operator with the CRDs installed and no policies: RSS after 10 s, then SIGTERM and its exit code.</summary>
    private static async Task<IdleOperator> IdleOperatorAsync(Setup run)
    {
        // The CRD files only: config/crd also holds a kustomization.yml, which is not an API object.
        var crds = Directory.GetFiles(Path.Combine("config", "crd"), "*.yaml").Order(StringComparer.Ordinal).SelectMany(f => new[] { "-f", f });
        await run.Children.RunTimedAsync("kubectl", ["--kubeconfig", run.Kubeconfig, "apply", .. crds], TimeSpan.FromMinutes(1));
        var data = Directory.CreateDirectory(Path.Combine(run.Work, "operator")).FullName;
        var op = run.Children.Start("dotnet", [run.Dll, "operator", "--kubeconfig", run.Kubeconfig, "--data-dir", data, "--port", "0", "--log-format", "text"]);
        var stdout = op.StandardOutput.ReadToEndAsync();
        var stderr = op.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        if (op.HasExited)
        {
            throw new InvalidOperationException($"dbackup operator exited early with {op.ExitCode}: {await stdout}{await stderr}");
        }

        var (rss, hwm) = BackupBenchProcesses.Memory(op.Id);
        var cpu = op.TotalProcessorTime;
        var stopClock = Stopwatch.StartNew();
        var exit = await BackupBenchProcesses.TerminateAsync(op, TimeSpan.FromSeconds(30));
        var stopTime = stopClock.Elapsed;

        // Released (killed if still running) before reading the logs, which end only when the process does.
        run.Children.Release(op);
        var log = (await stdout) + (await stderr);
        var problems = log.Split('\n').Count(l => l.Contains(" WRN ", StringComparison.Ordinal) || l.Contains(" ERR ", StringComparison.Ordinal) || l.Contains(" FTL ", StringComparison.Ordinal));
        return new IdleOperator(rss, hwm, cpu, exit, stopTime, problems, log.Split('\n').Where(l => l.Length > 0).TakeLast(3).ToList());
    }

    private enum Compression
    {
        Default,
        Optimal,
        None,
    }

    private sealed record Setup(BackupBenchProcesses Children, string Dll, string BenchDll, string Work, string Kubeconfig, string Key, IReadOnlyList<string> Namespaces);

    private sealed record BackupOutcome(ProcessRun Run, TimeSpan Work, long Objects, long StoredBytes);
}
