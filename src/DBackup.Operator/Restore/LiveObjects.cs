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
    public Task LoadAsync(IEnumerable<PlannedObject> plan, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            plan.GroupBy(p => p.CollectionPath, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (group, ct) => await LoadGroupAsync(group.Key, group.ToList(), ct).ConfigureAwait(false));

    private async Task LoadGroupAsync(string collection, List<PlannedObject> entries, CancellationToken ct)
    {
        var wanted = entries.GroupBy(e => e.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var e in entries)
        {
            e.Live = null;
        }

        if (entries.Count == 1)
        {
            await GetAsync(entries[0], ct).ConfigureAwait(false);
            return;
        }

        string? continueToken = null;
        try
        {
            do
            {
                var query = $"?limit={ObjectCollector.PageSize}" + (continueToken is null ? string.Empty : "&continue=" + Uri.EscapeDataString(continueToken));
                using var page = await api.GetAsync(collection + query, ct).ConfigureAwait(false);
                foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
                {
                    var name = item.GetProperty("metadata").GetProperty("name").GetString();
                    if (name is not null && wanted.TryGetValue(name, out var matches))
                    {
                        var bytes = WithTypeFields(item, entries[0].Resource);
                        foreach (var m in matches)
                        {
                            m.Live = bytes;
                        }
                    }
                }

                continueToken = CollectionSourcePages.ContinueToken(page);
            }
            while (continueToken is not null);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            // The resource is not served (yet): its CRD is part of this restore, or the namespace is missing.
        }
        catch (KubeApiException e) when (e.StatusCode is 403 or 405)
        {
            foreach (var entry in entries)
            {
                await GetAsync(entry, ct).ConfigureAwait(false);
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

    private async Task GetAsync(PlannedObject entry, CancellationToken ct)
    {
        try
        {
            using var doc = await api.GetAsync(entry.ItemPath, ct).ConfigureAwait(false);
            entry.Live = JsonSerializer.SerializeToUtf8Bytes(doc.RootElement);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            entry.Live = null;
        }
    }
}
