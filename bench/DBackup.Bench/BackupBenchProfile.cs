using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Objects;
using DBackup.Pipeline.Storage;
using k8s;

namespace DBackup.Bench;

/// <summary>Wall and CPU time of one in-process stage (median of the repetitions).</summary>
internal sealed record ProfileStage(string Name, TimeSpan Wall, TimeSpan Cpu);

/// <summary>
/// Where a backup's time goes, measured in the warm bench process with the operator's own ObjectCollector and
/// BackupPipeline (the emulator is another process, so CPU time here is the client's alone): the collector's JSON
/// work on pages already in memory, the collector over HTTP, the pipeline over objects already in memory, and both.
/// </summary>
internal static class BackupBenchProfile
{
    public static async Task<IReadOnlyList<ProfileStage>> RunAsync(string kubeconfig, HttpClient http, IReadOnlyList<string> namespaces,
        IReadOnlyList<string> resources, string work, int reps, bool warmUp)
    {
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var api = new KubeApi(client);
        CollectionSource[] sources = [new() { Component = "config", Resources = resources, Namespaces = namespaces }];
        var destination = new FilesystemDestination(Path.Combine(work, "profile"));
        var key = EncryptionKey.Generate();
        var pages = await PagesAsync(http, namespaces, resources);
        List<BackupObject> collected = [];

        async Task<BackupResult> WriteAsync(IAsyncEnumerable<BackupObject> objects)
        {
            var request = new BackupRequest { Policy = "profile", Trigger = "bench", Key = key, IncludesSecrets = true };
            var result = await new BackupPipeline().WriteAsync(request, objects, destination, default);
            await destination.DeleteAsync(result.MetaKey, default);
            await destination.DeleteAsync(result.PayloadKey, default);
            return result;
        }

        var stages = new (string Name, Func<Task> Action)[]
        {
            ("collector JSON work on pages in memory (now): one pass over each page's bytes, ListItemCleaner per item (CollectionSourcePages.Clean)", () =>
            {
                CleanPages(pages, sources[0]);
                return Task.CompletedTask;
            }),
            ("the same with the earlier DOM path: per item GetRawText + JsonNode.Parse + ObjectCleaner.Clean + SerializeToUtf8Bytes", () =>
            {
                Reparse(pages);
                return Task.CompletedTask;
            }),
            ("ObjectCollector over HTTP, objects discarded (LIST + the JSON work)", async () =>
            {
                collected = [];
                await foreach (var o in new ObjectCollector(api).CollectAsync(sources, true, new CollectionStats(), default))
                {
                    collected.Add(o);
                }
            }),
            ("BackupPipeline (tar, gzip optimal, AES-256-GCM, file) over collected objects in memory", () => WriteAsync(collected.ToAsyncEnumerable())),
            ("ObjectCollector -> BackupPipeline (the backup's work, warm)", () => WriteAsync(new ObjectCollector(api).CollectAsync(sources, true, new CollectionStats(), default))),
        };

        var results = new List<ProfileStage>();
        foreach (var (name, action) in stages)
        {
            if (warmUp)
            {
                await action(); // JIT and first touches, not counted; later points run warm already
            }

            var runs = new List<(TimeSpan Wall, TimeSpan Cpu)>();
            for (var rep = 0; rep < reps; rep++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await action();
                runs.Add((clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu));
            }

            results.Add(new ProfileStage(name, Measured.Median(runs.Select(r => r.Wall)), Measured.Median(runs.Select(r => r.Cpu))));
            Console.WriteLine($"  profile: {name}: {results[^1].Wall.TotalSeconds:F2} s wall, {results[^1].Cpu.TotalSeconds:F2} s CPU");
        }

        return results;
    }

    /// <summary>The collector's JSON work, without HTTP.</summary>
    private static long CleanPages(List<byte[]> pages, CollectionSource source)
    {
        var configMaps = new ApiResource(string.Empty, "v1", "configmaps", "ConfigMap", true, ["list"]);
        var secrets = new ApiResource(string.Empty, "v1", "secrets", "Secret", true, ["list"]);
        long objects = 0;
        foreach (var body in pages)
        {
            var isSecret = body.AsSpan().IndexOf("\"SecretList\""u8) >= 0;
            objects += CollectionSourcePages.Clean(body, new ListScope(source, isSecret ? secrets : configMaps, null), true, new CollectionStats(), _ => { }).Count;
        }

        return objects;
    }

    /// <summary>The JSON steps of the collector before ListItemCleaner (the DOM path), without HTTP.</summary>
    private static long Reparse(List<byte[]> pages)
    {
        long bytes = 0;
        foreach (var body in pages)
        {
            using var page = JsonDocument.Parse(body);
            foreach (var element in page.RootElement.GetProperty("items").EnumerateArray())
            {
                var item = JsonNode.Parse(element.GetRawText())!.AsObject();
                item["apiVersion"] = "v1";
                item["kind"] = "ConfigMap";
                bytes += JsonSerializer.SerializeToUtf8Bytes(ObjectCleaner.Clean(item)).Length;
            }
        }

        return bytes;
    }

    private static async Task<List<byte[]>> PagesAsync(HttpClient http, IReadOnlyList<string> namespaces, IReadOnlyList<string> resources)
    {
        var pages = new List<byte[]>();
        foreach (var resource in resources)
        {
            foreach (var ns in namespaces)
            {
                string? token = null;
                do
                {
                    var body = await http.GetByteArrayAsync($"api/v1/namespaces/{ns}/{resource}?limit=500" + (token is null ? "" : "&continue=" + Uri.EscapeDataString(token)));
                    pages.Add(body);
                    using var doc = JsonDocument.Parse(body);
                    token = doc.RootElement.GetProperty("metadata").TryGetProperty("continue", out var c) ? c.GetString() : null;
                }
                while (!string.IsNullOrEmpty(token));
            }
        }

        return pages;
    }
}
