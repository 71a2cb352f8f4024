namespace DBackup.Pipeline.History;

/// <summary>State of a recorded backup or restore run.</summary>
public enum ExecutionStatus
{
    /// <summary>Started and not finished yet.</summary>
    Running,

    /// <summary>Finished without errors.</summary>
    Succeeded,

    /// <summary>Finished, but some objects failed (restores only).</summary>
    PartiallyFailed,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>Was running when the operator stopped; its outcome is unknown.</summary>
    Abandoned,
}

/// <summary>What is known when a backup run starts.</summary>
public sealed record BackupExecutionStart
{
    /// <summary>Run id; a new GUID when not given.</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>Policy name (or <c>cli</c>/<c>pack</c> for command-line backups).</summary>
    public required string Policy { get; init; }

    /// <summary>Namespace of the policy; empty outside a cluster.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>Destination location (as <c>IBackupDestination.Location</c>, never with credentials).</summary>
    public required string Destination { get; init; }

    /// <summary><c>schedule</c>, <c>manual</c>, <c>cli</c>, <c>safety</c> ...</summary>
    public required string TriggeredBy { get; init; }

    /// <summary>Start time (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Planned backup name, when already known.</summary>
    public string? BackupName { get; init; }
}

/// <summary>What is known when a backup run succeeded.</summary>
public sealed record BackupExecutionResult
{
    /// <summary>Completion time (UTC).</summary>
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>Backup name.</summary>
    public required string BackupName { get; init; }

    /// <summary>Payload key in the destination.</summary>
    public required string BackupPath { get; init; }

    /// <summary>Bytes of the tar stream before compression.</summary>
    public long SizeBytes { get; init; }

    /// <summary>Bytes of the payload as stored (compressed, encrypted).</summary>
    public long CompressedSizeBytes { get; init; }

    /// <summary>Number of API objects.</summary>
    public long ObjectsIncluded { get; init; }

    /// <summary>Number of files in the archive.</summary>
    public long FilesIncluded { get; init; }

    /// <summary>The manifest.json (names, counts and hashes only; it never holds Secret values).</summary>
    public string? ManifestJson { get; init; }

    /// <summary>SHA-256 of the stored payload.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Fingerprint of the encryption key, when encrypted.</summary>
    public string? KeyId { get; init; }
}

/// <summary>A row of <c>backup_executions</c>.</summary>
public sealed record BackupExecution
{
    /// <summary>Run id.</summary>
    public required string Id { get; init; }

    /// <summary>Policy name.</summary>
    public required string Policy { get; init; }

    /// <summary>Namespace of the policy.</summary>
    public required string Namespace { get; init; }

    /// <summary>Destination location.</summary>
    public required string Destination { get; init; }

    /// <summary>Backup name, once known.</summary>
    public string? BackupName { get; init; }

    /// <summary>Payload key, once written.</summary>
    public string? BackupPath { get; init; }

    /// <summary>What started the run.</summary>
    public required string TriggeredBy { get; init; }

    /// <summary>Start time (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>End time (UTC), when finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Run state.</summary>
    public required ExecutionStatus Status { get; init; }

    /// <summary>Tar bytes.</summary>
    public long? SizeBytes { get; init; }

    /// <summary>Payload bytes.</summary>
    public long? CompressedSizeBytes { get; init; }

    /// <summary>Number of API objects.</summary>
    public long? ObjectsIncluded { get; init; }

    /// <summary>Number of archive files.</summary>
    public long? FilesIncluded { get; init; }

    /// <summary>Error message of a failed or abandoned run.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The manifest.json.</summary>
    public string? ManifestJson { get; init; }

    /// <summary>SHA-256 of the payload.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Encryption key fingerprint.</summary>
    public string? KeyId { get; init; }

    /// <summary>Run time, when finished.</summary>
    public TimeSpan? Duration => CompletedAt - StartedAt;
}
