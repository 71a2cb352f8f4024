using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Storage;

namespace DBackup.Bench;

/// <summary>
/// <c>dbackup restore</c> (a separate process) of N ConfigMaps into an empty namespace of a DevCluster that runs as
/// its own process, against <c>kubectl apply -R -f</c> (client-side apply) of the same objects as the YAML tree
/// <c>dbackup export</c> writes, interleaved in one run. A sequential restore (<c>--parallelism 1</c>) shows what
/// the bounded parallel writes contribute.
/// </summary>
internal static class RestoreBench
{
    private const string SourceNamespace = "bench-src";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.FirstOrDefault() == "--prepare")
        {
            return await PrepareAsync(args[1..]);
        }

        var objects = 10_000;
        var reps = 3;
        var output = Path.Combine("bench", "results", "restore.md");
        string? dllOverride = null;
        var buildOutput = args.Contains("--build-output");
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--objects": objects = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--reps": reps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": output = args[i + 1]; break;
                case "--dbackup": dllOverride = Path.GetFullPath(args[i + 1]); break;
            }
        }

        var loadBefore = PipelineReport.LoadAverage();
        var clock = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("dbackup-restore-bench-").FullName;
        using var children = new BackupBenchProcesses();
        try
        {
            var binaries = await BackupBenchPublish.PrepareAsync(children, work, buildOutput);
            var dll = dllOverride ?? binaries.Dbackup;
            var kubeconfig = Path.Combine(work, "kubeconfig");
            await children.StartDevClusterAsync(dll, kubeconfig);
            using var http = BackupBenchList.Client(kubeconfig);
            var keyFile = Path.Combine(work, "key");
            await children.RunTimedAsync("dotnet", [dll, "keygen", "--out", keyFile], TimeSpan.FromMinutes(1));
            var payload = await WriteBackupAsync(work, keyFile, objects);
            var tree = Path.Combine(work, "tree");
            var export = await children.RunTimedAsync("dotnet", [dll, "export", payload, "--key-file", keyFile, "--out", tree], TimeSpan.FromMinutes(5));
            Console.WriteLine($"backup of {objects} ConfigMaps written and exported ({export.Wall.TotalSeconds:F1} s); load {PipelineReport.LoadAverage()}");

            List<ProcessRun> restores = [], sequential = [], applies = [];
            for (var rep = 0; rep < reps; rep++)
            {
                var kubectlTree = RetargetTree(tree, Path.Combine(work, $"kubectl-{rep}"), $"kubectl-{rep}");
                foreach (var ns in new[] { $"dbackup-{rep}", $"seq-{rep}", $"kubectl-{rep}" })
                {
                    await CreateNamespaceAsync(http, ns);
                }

                // Interleaved and alternating in order, so a load spike from the shared machine hits both sides.
                async Task Restore() => restores.Add(await RestoreAsync(children, dll, payload, kubeconfig, keyFile, $"dbackup-{rep}", objects, http, null));
                async Task Apply() => applies.Add(await ApplyAsync(children, kubeconfig, kubectlTree, $"kubectl-{rep}", objects, http));
                if (rep % 2 == 0)
                {
                    await Restore();
                    await Apply();
                }
                else
                {
                    await Apply();
                    await Restore();
                }

                sequential.Add(await RestoreAsync(children, dll, payload, kubeconfig, keyFile, $"seq-{rep}", objects, http, 1));
                Console.WriteLine($"rep {rep + 1}/{reps}: dbackup restore {restores[^1].Wall.TotalSeconds:F2} s ({restores[^1].PeakRssKb / 1024} MB), "
                    + $"sequential {sequential[^1].Wall.TotalSeconds:F2} s, kubectl apply {applies[^1].Wall.TotalSeconds:F2} s ({applies[^1].PeakRssKb / 1024} MB); load {PipelineReport.LoadAverage()}");
            }

            var report = RestoreBenchReport.Render(objects, new FileInfo(payload).Length, Measured.Of(restores), Measured.Of(sequential), Measured.Of(applies),
                reps, loadBefore, PipelineReport.LoadAverage(), clock.Elapsed, dllOverride ?? binaries.How);
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
    /// <c>restore --prepare DIR [N]</c>: writes the bench's key (DIR/key) and backup of N ConfigMaps (default 10,000)
    /// under DIR/dest, to profile a restore by hand, and prints the payload path.
    /// </summary>
    private static async Task<int> PrepareAsync(string[] args)
    {
        var dir = Directory.CreateDirectory(args[0]).FullName;
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var keyFile = Path.Combine(dir, "key");
        await File.WriteAllTextAsync(keyFile, EncryptionKey.Generate().ToFileText());
        Console.WriteLine($"{await WriteBackupAsync(dir, keyFile, count)} (restore with --key-file {keyFile} --namespace-map {SourceNamespace}=NS)");
        return 0;
    }

    /// <summary>N BenchObjects ConfigMaps, all in one namespace, as an encrypted backup; returns the payload path.</summary>
    private static async Task<string> WriteBackupAsync(string work, string keyFile, int count)
    {
        var key = EncryptionKey.Parse(await File.ReadAllTextAsync(keyFile));
        var destination = new FilesystemDestination(Path.Combine(work, "dest"));
        var request = new BackupRequest { Policy = "bench", Trigger = "manual", Key = key, TempDirectory = work };
        var written = await new BackupPipeline().WriteAsync(request, InOneNamespaceAsync(count), destination, CancellationToken.None);
        return Path.Combine(work, "dest", written.PayloadKey);
    }

    private static async IAsyncEnumerable<BackupObject> InOneNamespaceAsync(int count)
    {
        await foreach (var o in BenchObjects.Create(count))
        {
            var node = JsonNode.Parse(o.Json.Span)!.AsObject();
            var metadata = node["metadata"]!.AsObject();
            metadata["namespace"] = SourceNamespace;
            metadata.Remove("uid");
            metadata.Remove("resourceVersion");
            yield return new BackupObject(o.Ref with { Namespace = SourceNamespace }, Encoding.UTF8.GetBytes(node.ToJsonString()));
        }
    }

    /// <summary>A copy of the exported tree's namespace folder with every object moved to <paramref name="ns"/> (prepared before timing).</summary>
    private static string RetargetTree(string tree, string into, string ns)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(tree, SourceNamespace), "*.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(into, Path.GetRelativePath(Path.Combine(tree, SourceNamespace), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, File.ReadAllText(file).Replace($"namespace: {SourceNamespace}", $"namespace: {ns}", StringComparison.Ordinal));
        }

        return into;
    }

    private static async Task<ProcessRun> RestoreAsync(BackupBenchProcesses children, string dll, string payload, string kubeconfig, string keyFile, string ns, int expected, HttpClient http, int? parallelism)
    {
        List<string> args = [dll, "restore", payload, "--kubeconfig", kubeconfig, "--key-file", keyFile, "--namespace-map", $"{SourceNamespace}={ns}"];
        if (parallelism is { } p)
        {
            args.AddRange(["--parallelism", p.ToString(CultureInfo.InvariantCulture)]);
        }

        var run = await children.RunTimedAsync("dotnet", args, TimeSpan.FromMinutes(30));
        await ExpectAsync(http, ns, expected, "dbackup restore");
        return run;
    }

    private static async Task<ProcessRun> ApplyAsync(BackupBenchProcesses children, string kubeconfig, string tree, string ns, int expected, HttpClient http)
    {
        var run = await children.RunTimedAsync("kubectl", ["--kubeconfig", kubeconfig, "apply", "-R", "-f", tree], TimeSpan.FromMinutes(60));
        await ExpectAsync(http, ns, expected, "kubectl apply");
        return run;
    }

    /// <summary>Checks the namespace holds the restored objects besides what the cluster put there (kube-root-ca.crt).</summary>
    private static async Task ExpectAsync(HttpClient http, string ns, int expected, string who)
    {
        var (count, _, _) = await BackupBenchList.ListAsync(http, [ns], ["configmaps"]);
        using var rootCa = await http.GetAsync($"api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt");
        var published = rootCa.IsSuccessStatusCode ? 1 : 0;
        if (count - published != expected)
        {
            throw new InvalidOperationException($"{who} left {count - published} ConfigMaps in {ns}, not {expected}");
        }
    }

    private static async Task CreateNamespaceAsync(HttpClient http, string ns)
    {
        var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("api/v1/namespaces", content);
        response.EnsureSuccessStatusCode();
    }
}
