namespace DBackup.Pipeline.Storage;

/// <summary>Whether a listed backup can be restored.</summary>
public enum BackupState
{
    /// <summary>meta.json is readable and its payload is present with the recorded size.</summary>
    Complete,

    /// <summary>meta.json is present but the payload it belongs to is gone.</summary>
    PayloadMissing,

    /// <summary>meta.json cannot be read or parsed, or contradicts the stored payload.</summary>
    Invalid,

    /// <summary>
    /// A payload named explicitly whose meta.json is missing (a file copied on its own). Only
    /// <see cref="BackupCatalog.FindPayloadAloneAsync"/> describes one; listings never contain it. Restorable, since the
    /// payload describes itself and is verified completely before use; only the cross-checks against meta.json are lost.
    /// </summary>
    MetaMissing,
}

/// <summary>A backup as the catalog sees it: its meta.json (when readable) and where its files are.</summary>
public sealed record BackupInfo
{
    /// <summary>Backup name, e.g. <c>nightly-20260101T030000Z</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Policy that wrote it (from meta.json, else from the key).</summary>
    public required string Policy { get; init; }

    /// <summary>When the backup started (from meta.json, else from the name or the file time).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Key of the meta.json sidecar.</summary>
    public required string MetaKey { get; init; }

    /// <summary>Key of the payload (the meta key without <c>.meta.json</c>).</summary>
    public required string PayloadKey { get; init; }

    /// <summary>The parsed meta.json; null when it could not be read (<see cref="BackupState.Invalid"/>) or is missing (<see cref="BackupState.MetaMissing"/>).</summary>
    public BackupMeta? Meta { get; init; }

    /// <summary>Size of the payload as stored, when present.</summary>
    public long? PayloadSize { get; init; }

    /// <summary>Whether the backup is usable.</summary>
    public required BackupState State { get; init; }

    /// <summary>One sentence on what is wrong or missing, when <see cref="State"/> is not <see cref="BackupState.Complete"/>.</summary>
    public string? Problem { get; init; }

    /// <summary>True when the backup can be restored: complete, or a payload named explicitly without its meta.json.</summary>
    public bool IsRestorable => State is BackupState.Complete or BackupState.MetaMissing;
}
