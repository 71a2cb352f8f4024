using System.Diagnostics;
using System.Globalization;
using System.Text;
using DBackup.DevCluster;
using k8s;
using k8s.Models;

namespace DBackup.Bench;

/// <summary>
/// DevCluster throughput through the official KubernetesClient over HTTP: creates N ConfigMaps with
/// concurrent writers while one watch follows them, then lists them back in pages of 500.
/// </summary>
internal static class DevClusterBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = 100_000;
        var writers = 16;
        var output = Path.Combine("bench", "results", "devcluster.md");
        for (var i = 0; i < args.Length - 1; i++)
        {
            switch (args[i])
            {
                case "--objects": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--writers": writers = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": output = args[i + 1]; break;
            }
        }

        var baseline = Managed();
        await using var cluster = await DevCluster.DevCluster.StartAsync(new DevClusterOptions());
        var client = cluster.Client;
        const string ns = "bench";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var startRv = (await client.CoreV1.ListNamespacedConfigMapAsync(ns)).Metadata.ResourceVersion;

        // The watch starts before the writes and must see every ADDED event.
        var watched = 0;
        var watchDone = new TaskCompletionSource<TimeSpan>();
        var watchClock = Stopwatch.StartNew();
        using var watchClient = cluster.CreateClient();
        using var stopWatch = new CancellationTokenSource();
        var watchTask = Task.Run(async () =>
        {
            await foreach (var (type, _) in watchClient.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: startRv, cancellationToken: stopWatch.Token))
            {
                if (type == WatchEventType.Added && Interlocked.Increment(ref watched) == count)
                {
                    watchDone.TrySetResult(watchClock.Elapsed);
                    return;
                }
            }
        });

        var payload = new Dictionary<string, string> { ["config.yaml"] = new string('x', 256), ["enabled"] = "true" };
        var next = -1;
        var createClock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
                {
                    Metadata = new V1ObjectMeta { Name = $"cm-{i:D6}", Labels = new Dictionary<string, string> { ["bench"] = "yes", ["shard"] = (i % 10).ToString(CultureInfo.InvariantCulture) } },
                    Data = payload,
                }, ns).ConfigureAwait(false);
            }
        })));
        var createTime = createClock.Elapsed;
        var watchTime = await watchDone.Task.WaitAsync(TimeSpan.FromMinutes(5));
        await stopWatch.CancelAsync();
        try
        {
            await watchTask;
        }
        catch (OperationCanceledException)
        {
            // Expected when the watch is cancelled after the last event.
        }

        var listClock = Stopwatch.StartNew();
        var listed = 0;
        var pages = 0;
        string? cont = null;
        do
        {
            var page = await client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "bench=yes", limit: 500, continueParameter: cont);
            listed += page.Items.Count;
            pages++;
            cont = page.Metadata.ContinueProperty;
        }
        while (cont is not null);
        var listTime = listClock.Elapsed;

        var selectorClock = Stopwatch.StartNew();
        var shard = await client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "shard=3");
        var selectorTime = selectorClock.Elapsed;

        var managed = Managed() - baseline;
        var workingSet = Process.GetCurrentProcess().WorkingSet64;
        var report = Report(count, writers, createTime, watchTime, watched, listTime, listed, pages, selectorTime, shard.Items.Count, managed, workingSet);
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report);
        return listed == count && watched == count ? 0 : 1;
    }

    private static long Managed()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Report(int count, int writers, TimeSpan create, TimeSpan watch, int watched, TimeSpan list, int listed, int pages,
        TimeSpan selector, int selected, long managed, long workingSet)
    {
        static string Rate(int n, TimeSpan t) => (n / t.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);
        static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N1", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.AppendLine("# DevCluster benchmark");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench/DBackup.Bench -- devcluster --objects {count}` on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}.");
        sb.AppendLine("Client and server share one process: KubernetesClient 21.0.8 over HTTP/1.1 on 127.0.0.1, ConfigMaps of ~300 bytes of data with 2 labels.");
        sb.AppendLine();
        sb.AppendLine("| Step | Objects | Time | Objects/s |");
        sb.AppendLine("|---|---:|---:|---:|");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| Create ({writers} concurrent writers) | {count:N0} | {create.TotalSeconds:N2} s | {Rate(count, create)} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| Watch (ADDED events, started before the writes; time until the last one) | {watched:N0} | {watch.TotalSeconds:N2} s | {Rate(watched, watch)} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| List, paged 500/page with labelSelector bench=yes ({pages} pages, one snapshot) | {listed:N0} | {list.TotalSeconds:N2} s | {Rate(listed, list)} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| List with labelSelector shard=3 (unpaged) | {selected:N0} | {selector.TotalSeconds:N2} s | {Rate(selected, selector)} |");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Memory after the run: managed heap grew by {Mb(managed)} MB (store, 10,000-change history, client caches); process working set {Mb(workingSet)} MB.");
        return sb.ToString();
    }
}
