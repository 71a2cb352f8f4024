using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Retention;

/// <summary>Applies a <see cref="RetentionPolicy"/> to one policy's backups in a destination.</summary>
/// <remarks>
/// Only keys in the policy's folder that are named like that policy's backups are ever touched, so other
/// policies (including one whose name starts with this one's) and foreign files are safe. For each backup the
/// meta.json is deleted first, so an interrupted run leaves a payload without meta (not restorable, cleaned up
/// later as an orphan) rather than a listed backup without payload.
/// </remarks>
public static class BackupRetention
{
    /// <summary>Deletes what <paramref name="retention"/> no longer keeps and returns what was deleted, oldest first.</summary>
    /// <param name="destination">Where the backups are.</param>
    /// <param name="policy">Policy name (its folder in the destination).</param>
    /// <param name="retention">Limits.</param>
    /// <param name="now">Current time (UTC).</param>
    /// <param name="cancellationToken">Stops between deletions.</param>
    /// <exception cref="ArgumentException"><paramref name="policy"/> is not a valid policy name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A retention limit is out of range.</exception>
    public static async Task<IReadOnlyList<RetentionDeletion>> ApplyAsync(IBackupDestination destination, string policy,
        RetentionPolicy retention, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(retention);
        BackupName.ValidatePolicy(policy);
        retention.Validate();

        var objects = await BackupCatalog.ListObjectsAsync(destination, policy + "/", cancellationToken).ConfigureAwait(false);
        var backups = await BackupCatalog.DescribeAsync(destination, objects, cancellationToken).ConfigureAwait(false);
        var plan = RetentionPlanner.Plan(policy, objects.Values, backups, retention, now);
        var done = new List<RetentionDeletion>(plan.Count);
        foreach (var deletion in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var key in deletion.Keys)
            {
                await destination.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }

            done.Add(deletion);
        }

        return done;
    }
}
