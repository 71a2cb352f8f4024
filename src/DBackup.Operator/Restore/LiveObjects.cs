using System.Buffers;
using System.Text.Json;
using DBackup.Operator.Kubernetes;

namespace DBackup.Operator.Restore;

/// <summary>
/// Reads the live counterparts of plan entries: one paged LIST per resource and namespace instead of a GET per
/// object (a 10,000-object restore makes a few dozen reads, not 10,000), falling back to GETs when LIST is
/// forbidden. Only the objects the plan names are kept.
/// </summary>
internal sealed class LiveObjects(KubeApi api, int parallelism)
{
    /// <summary>Sets <see cref="PlannedObject.Live"/> on every entry of <paramref name="plan"/> (null when missing).</summary>
    /// <exception cref="KubeApiException">The server refused a read for a reason other than NotFound/Forbidden.</exception>
    public Task LoadAsync(IEnumerable<PlannedObject> plan, CancellationToken cancellationToken)
    {
        var entries = plan.ToList();
        foreach (var e in entries)
        {
            e.Live = null;
        }

        return VisitAsync(entries, (entry, item) => entry.Live = WithTypeFields(item, entry.Resource), cancellationToken);
    }

    /// <summary>
    /// Calls <paramref name="found"/> for every entry of <paramref name="plan"/> that the cluster has, with the object as
    /// read: a LIST item, which for built-in types carries no apiVersion/kind (see <see cref="WithTypeFields"/>), or a
    /// GET response. Entries the cluster lacks are not called. The element is valid only during the call; calls for
    /// different collections may run at the same time.
    /// </summary>
    /// <exception cref="KubeApiException">The server refused a read for a reason other than NotFound/Forbidden.</exception>
    public Task VisitAsync(IEnumerable<PlannedObject> plan, Action<PlannedObject, JsonElement> found, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            plan.GroupBy(p => p.CollectionPath, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (group, ct) => await VisitGroupAsync(group.Key, group.ToList(), found, ct).ConfigureAwait(false));

    private async Task VisitGroupAsync(string collection, List<PlannedObject> entries, Action<PlannedObject, JsonElement> found, CancellationToken ct)
    {
        if (entries.Count == 1)
        {
            await GetAsync(entries[0], found, ct).ConfigureAwait(false);
            return;
        }

        var wanted = entries.GroupBy(e => e.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Task<JsonDocument>? pending = null;
        try
        {
            pending = api.GetAsync(collection + ObjectCollector.Query(labelSelector: null, continueToken: null), ct);
            while (pending is not null)
            {
                using var page = await pending.ConfigureAwait(false);
                pending = null;

                // The next page is produced by the server while this one is matched.
                if (CollectionSourcePages.ContinueToken(page) is { } continueToken)
                {
                    pending = api.GetAsync(collection + ObjectCollector.Query(labelSelector: null, continueToken), ct);
                }

                foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
                {
                    var name = item.GetProperty("metadata").GetProperty("name").GetString();
                    if (name is not null && wanted.TryGetValue(name, out var matches))
                    {
                        foreach (var m in matches)
                        {
                            found(m, item);
                        }
                    }
                }
            }
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            // The resource is not served (yet): its CRD is part of this restore, or the namespace is missing.
        }
        catch (KubeApiException e) when (e.StatusCode is 403 or 405)
        {
            foreach (var entry in entries)
            {
                await GetAsync(entry, found, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (pending is not null)
            {
                // A read-ahead still in flight when this one failed: observe it, its outcome no longer matters.
                try
                {
                    (await pending.ConfigureAwait(false)).Dispose();
                }
                catch (Exception)
                {
                    // Already failing.
                }
            }
        }
    }

    /// <summary>
    /// The list item as a whole object: items of built-in types carry no apiVersion/kind, and the plan compares
    /// whole objects. Written field by field, without building a node tree.
    /// </summary>
    internal static byte[] WithTypeFields(JsonElement item, ApiResource resource)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion"u8, resource.ApiVersion);
            writer.WriteString("kind"u8, resource.Kind);
            foreach (var field in item.EnumerateObject())
            {
                if (!field.NameEquals("apiVersion"u8) && !field.NameEquals("kind"u8))
                {
                    field.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task GetAsync(PlannedObject entry, Action<PlannedObject, JsonElement> found, CancellationToken ct)
    {
        try
        {
            using var doc = await api.GetAsync(entry.ItemPath, ct).ConfigureAwait(false);
            found(entry, doc.RootElement);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            // Missing: not called.
        }
    }
}
