using System.Collections.Concurrent;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Restore;

/// <summary>
/// After the writes, reads every created or updated object back (with the same LIST-per-collection reads as
/// planning) and checks that the server holds every field that was sent; a mismatch or a missing object fails
/// the entry. Reported paths never carry values.
/// </summary>
internal sealed class ReadBack(KubeApi api, int parallelism)
{
    /// <summary>Verifies the written entries of <paramref name="plan"/>.</summary>
    public async Task VerifyAsync(IReadOnlyList<PlannedObject> plan, CancellationToken cancellationToken)
    {
        var written = plan.Where(p => p.Action is RestoreAction.Create or RestoreAction.Update).ToList();

        // Each object is compared as its page arrives, against the list item itself (no copy); only a mismatch keeps
        // the live object, to name the differing fields afterwards.
        var held = new ConcurrentDictionary<PlannedObject, bool>();
        foreach (var entry in written)
        {
            entry.Live = null;
        }

        try
        {
            await new LiveObjects(api, parallelism).VisitAsync(written, (entry, item) =>
            {
                var holds = ObjectComparison.IsSubset(entry.Body, item, entry.Resource.ApiVersion, entry.Resource.Kind);
                held[entry] = holds;
                entry.Live = holds ? null : LiveObjects.WithTypeFields(item, entry.Resource);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            foreach (var entry in written)
            {
                entry.Live = null;
                entry.Set(RestoreAction.Fail, $"written, but could not be read back to verify: {e.Message}");
            }

            return;
        }

        foreach (var entry in written)
        {
            if (!held.TryGetValue(entry, out var holds))
            {
                entry.Set(RestoreAction.Fail, "written, but not found when read back");
            }
            else if (!holds)
            {
                // Rare: only then are both parsed into trees to name the differing fields.
                var differing = ObjectComparison.DifferingPaths(entry.ParseBody(), entry.ParseLive());
                entry.Set(RestoreAction.Fail, $"read back differs from what was written at {FieldDiff.Shorten(differing, ", ")}");
                entry.Live = null;
            }
        }
    }
}
