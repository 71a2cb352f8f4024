using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Retention;

/// <summary>Decides what retention deletes; pure, so every rule is testable without storage.</summary>
internal static class RetentionPlanner
{
    /// <summary>Plans deletions for one policy, oldest first.</summary>
    /// <param name="policy">Policy whose files may be touched; every other key is ignored.</param>
    /// <param name="objects">Listing of the destination (at least the policy's folder).</param>
    /// <param name="backups">Catalog entries built from that listing.</param>
    /// <param name="retention">Limits.</param>
    /// <param name="now">Current time (UTC).</param>
    public static IReadOnlyList<RetentionDeletion> Plan(string policy, IReadOnlyCollection<StoredObject> objects,
        IReadOnlyList<BackupInfo> backups, RetentionPolicy retention, DateTimeOffset now)
    {
        var present = objects.Where(o => Owns(policy, o.Key)).ToDictionary(o => o.Key, StringComparer.Ordinal);
        var deletions = new List<RetentionDeletion>();

        var listed = backups
            .Where(b => Owns(policy, b.MetaKey) && Owns(policy, b.PayloadKey) && present.ContainsKey(b.MetaKey))
            .OrderByDescending(b => b.CreatedAt)
            .ThenByDescending(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var newestGood = listed.FirstOrDefault(b => b.IsRestorable);
        var counted = 0;
        foreach (var backup in listed)
        {
            if (backup.State == BackupState.PayloadMissing)
            {
                if (IsPastGrace(present[backup.MetaKey], backup.CreatedAt, retention, now))
                {
                    deletions.Add(new RetentionDeletion(backup.Name, backup.CreatedAt, RetentionReason.MissingPayload, [backup.MetaKey]));
                }

                continue;
            }

            counted++;
            if (ReferenceEquals(backup, newestGood))
            {
                continue;
            }

            RetentionReason? reason = counted > retention.KeepLast ? RetentionReason.KeepLast
                : retention.MaxAge is { } maxAge && backup.CreatedAt < now - maxAge ? RetentionReason.MaxAge
                : null;
            if (reason is { } why)
            {
                IReadOnlyList<string> keys = present.ContainsKey(backup.PayloadKey) ? [backup.MetaKey, backup.PayloadKey] : [backup.MetaKey];
                deletions.Add(new RetentionDeletion(backup.Name, backup.CreatedAt, why, keys));
            }
        }

        foreach (var payload in present.Values)
        {
            if (payload.Key.EndsWith(BackupName.MetaSuffix, StringComparison.Ordinal) || present.ContainsKey(BackupName.MetaKey(payload.Key)))
            {
                continue;
            }

            BackupName.TryParseKey(payload.Key, out _, out var name, out var createdAt);
            if (IsPastGrace(payload, createdAt, retention, now))
            {
                deletions.Add(new RetentionDeletion(name!, createdAt, RetentionReason.OrphanedPayload, [payload.Key]));
            }
        }

        return [.. deletions.OrderBy(d => d.CreatedAt).ThenBy(d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>True for keys in the policy's folder that are named like this policy's backups.</summary>
    internal static bool Owns(string policy, string key) =>
        key.StartsWith(policy + "/", StringComparison.Ordinal)
        && BackupName.TryParseKey(key, out var keyPolicy, out _, out _)
        && keyPolicy == policy;

    // Both the name time and the file time must be old: either alone can be skewed or reset by a copy.
    private static bool IsPastGrace(StoredObject stored, DateTimeOffset createdAt, RetentionPolicy retention, DateTimeOffset now)
    {
        var newest = stored.LastModified > createdAt ? stored.LastModified : createdAt;
        return newest < now - retention.OrphanGracePeriod;
    }
}
