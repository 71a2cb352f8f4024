using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Restore;

/// <summary>
/// Writes the planned creates and updates rank by rank, with bounded parallelism within a rank. After the CRD
/// rank it waits for every written CRD to be Established before any later rank. In a dry run every write carries
/// <c>dryRun=All</c>, so the server validates and stores nothing.
/// </summary>
internal sealed class RestoreWriter(KubeApi api, int parallelism, TimeSpan crdTimeout, TimeProvider time)
{
    /// <summary>Writes (or validates) every entry whose action is create or update; failures land on the entry.</summary>
    public async Task WriteAsync(IReadOnlyList<PlannedObject> plan, bool dryRun, CancellationToken cancellationToken)
    {
        var unestablished = new Dictionary<string, string>(StringComparer.Ordinal);
        var creatingCrds = dryRun
            ? plan.Where(p => IsCrd(p) && p.Action == RestoreAction.Create).Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];
        var creatingNamespaces = dryRun
            ? plan.Where(p => RestoreSelection.IsNamespaceObject(p.Source) && p.Action == RestoreAction.Create).Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var rank in plan.Where(p => p.Action is RestoreAction.Create or RestoreAction.Update).GroupBy(p => p.Rank).OrderBy(g => g.Key))
        {
            await Parallel.ForEachAsync(rank, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (entry, ct) =>
            {
                var crd = $"{entry.Resource.Resource}.{entry.Resource.Group}";
                if (unestablished.TryGetValue(crd, out var why))
                {
                    entry.Set(RestoreAction.Fail, why);
                }
                else if (dryRun && creatingCrds.Contains(crd))
                {
                    entry.Set(entry.Action, Note(entry.Reason, $"not validated by the server: its CustomResourceDefinition {crd} is created by this restore"));
                }
                else if (dryRun && entry.Namespace is { } ns && creatingNamespaces.Contains(ns))
                {
                    entry.Set(entry.Action, Note(entry.Reason, $"not validated by the server: namespace {ns} is created by this restore"));
                }
                else
                {
                    await WriteOneAsync(entry, dryRun, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

            if (!dryRun && rank.Key == RestoreOrder.Rank("apiextensions.k8s.io", "customresourcedefinitions"))
            {
                foreach (var crd in rank.Where(e => IsCrd(e) && e.Action != RestoreAction.Fail))
                {
                    var problem = await WaitEstablishedAsync(crd, cancellationToken).ConfigureAwait(false);
                    if (problem is not null)
                    {
                        crd.Set(RestoreAction.Fail, problem);
                        unestablished[crd.Name] = $"its CustomResourceDefinition {crd.Name} is not established: {problem}";
                    }
                }
            }
        }
    }

    private async Task WriteOneAsync(PlannedObject entry, bool dryRun, CancellationToken ct)
    {
        var query = dryRun ? "?dryRun=All" : string.Empty;
        try
        {
            if (entry.Action == RestoreAction.Create)
            {
                await api.SendAsync(HttpMethod.Post, entry.CollectionPath + query, entry.Body, ct).ConfigureAwait(false);
                return;
            }

            var body = entry.ParseBody();
            ((JsonObject)body["metadata"]!)["resourceVersion"] = entry.LiveResourceVersion();
            await api.SendAsync(HttpMethod.Put, entry.ItemPath + query, JsonSerializer.SerializeToUtf8Bytes(body), ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == 409 && e.Reason == "AlreadyExists")
        {
            // Created by someone else since the plan was made: it is not in the safety backup, so it is never replaced.
            entry.Set(RestoreAction.Fail, "created by someone else after the plan was made; left as it is (run the restore again to compare)");
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            entry.Set(RestoreAction.Fail, "changed by someone else after the plan was made (and after the safety backup); left as it is");
        }
        catch (KubeApiException e)
        {
            entry.Set(RestoreAction.Fail, (dryRun ? "the server would refuse it: " : string.Empty) + e.Message);
        }
        catch (HttpRequestException e)
        {
            entry.Set(RestoreAction.Fail, $"the write may or may not have reached the server: {e.Message}");
        }
    }

    /// <summary>Polls the CRD until its Established condition is True; returns why not after the timeout.</summary>
    private async Task<string?> WaitEstablishedAsync(PlannedObject crd, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + crdTimeout;
        var last = "no Established condition yet";
        while (true)
        {
            try
            {
                using var doc = await api.GetAsync(crd.ItemPath, ct).ConfigureAwait(false);
                if (doc.RootElement.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions))
                {
                    foreach (var c in conditions.EnumerateArray())
                    {
                        if (c.TryGetProperty("type", out var type) && type.GetString() == "Established")
                        {
                            if (c.GetProperty("status").GetString() == "True")
                            {
                                return null;
                            }

                            last = c.TryGetProperty("message", out var m) ? $"Established is False: {m.GetString()}" : "Established is False";
                        }
                    }
                }
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException)
            {
                last = e.Message;
            }

            if (time.GetUtcNow() >= deadline)
            {
                return $"{last} after {crdTimeout.TotalSeconds:0} s";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct).ConfigureAwait(false);
        }
    }

    private static bool IsCrd(PlannedObject p) => p.Resource is { Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions" };

    private static string Note(string? existing, string note) => existing is null ? note : $"{existing}; {note}";
}
