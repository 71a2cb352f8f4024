namespace DBackup.Pipeline.Retention;

/// <summary>
/// How many backups of a policy to keep. Both limits apply when both are set: a backup is deleted when it
/// is beyond the newest <see cref="KeepLast"/> or older than <see cref="MaxAge"/>. The newest restorable
/// backup is always kept, whatever the limits say.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>Keep at most this many backups (newest first); null for no count limit.</summary>
    public int? KeepLast { get; init; }

    /// <summary>Delete backups older than this; null for no age limit.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>
    /// How old a payload without meta.json (an upload that never finished) or a meta.json without payload must be
    /// before it is cleaned up. Long enough that a backup still being written is never touched.
    /// </summary>
    public TimeSpan OrphanGracePeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>True when neither limit is set, so only orphans are cleaned.</summary>
    public bool IsUnlimited => KeepLast is null && MaxAge is null;

    /// <summary>Checks the limits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public void Validate()
    {
        if (KeepLast is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepLast), KeepLast, "keepLast must be at least 1.");
        }

        if (MaxAge is { } age && age <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAge), MaxAge, "maxAge must be positive.");
        }

        if (OrphanGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(OrphanGracePeriod), OrphanGracePeriod, "The orphan grace period cannot be negative.");
        }
    }
}

/// <summary>Why retention deleted something.</summary>
public enum RetentionReason
{
    /// <summary>Beyond the newest <see cref="RetentionPolicy.KeepLast"/> backups.</summary>
    KeepLast,

    /// <summary>Older than <see cref="RetentionPolicy.MaxAge"/>.</summary>
    MaxAge,

    /// <summary>A payload whose meta.json was never written (a failed upload), older than the grace period.</summary>
    OrphanedPayload,

    /// <summary>A meta.json whose payload is gone, older than the grace period.</summary>
    MissingPayload,
}

/// <summary>One backup (or leftover) removed by retention.</summary>
/// <param name="Name">Backup name.</param>
/// <param name="CreatedAt">When the backup was taken (from its name or meta.json).</param>
/// <param name="Reason">Which rule removed it.</param>
/// <param name="Keys">Keys deleted, in deletion order (meta.json first).</param>
public sealed record RetentionDeletion(string Name, DateTimeOffset CreatedAt, RetentionReason Reason, IReadOnlyList<string> Keys);
