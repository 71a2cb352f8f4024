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
        try
        {
            await new LiveObjects(api, parallelism).LoadAsync(written, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            foreach (var entry in written)
            {
                entry.Set(RestoreAction.Fail, $"written, but could not be read back to verify: {e.Message}");
            }

            return;
        }

        Parallel.ForEach(written, new ParallelOptions { CancellationToken = cancellationToken }, entry =>
        {
            if (entry.Live is not { } stored)
            {
                entry.Set(RestoreAction.Fail, "written, but not found when read back");
            }
            else if (!ObjectComparison.IsSubset(entry.Body, stored))
            {
                // Rare: only then are both parsed into trees to name the differing fields.
                var differing = ObjectComparison.DifferingPaths(entry.ParseBody(), entry.ParseLive());
                entry.Set(RestoreAction.Fail, $"read back differs from what was written at {FieldDiff.Shorten(differing, ", ")}");
            }
        });

        // The live copies were only needed for the comparison.
        foreach (var entry in written)
        {
            entry.Live = null;
        }
    }
}
