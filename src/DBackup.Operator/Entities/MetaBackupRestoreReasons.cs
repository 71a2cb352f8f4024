namespace DBackup.Operator.Entities;

/// <summary>
/// CamelCase reasons of a MetaBackupRestore's conditions (and of restore drills), so that
/// <c>kubectl wait</c>, alerts and people can tell why a restore stopped without reading logs.
/// </summary>
public static class RestoreReasons
{
    /// <summary>Accepted; waiting for a free run slot.</summary>
    public const string Waiting = "Waiting";

    /// <summary>Reading, decrypting and verifying the backup, and planning; nothing has been written.</summary>
    public const string Verifying = "Verifying";

    /// <summary>Writing into the cluster: objects may have changed from here on.</summary>
    public const string Applying = "Applying";

    /// <summary>Every selected object is in place (or, for a dry run, the plan is complete).</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>Some objects could not be applied or verified; <c>status.items</c> names them.</summary>
    public const string PartiallyFailed = "PartiallyFailed";

    /// <summary>The spec is not valid (the CRD's CEL rules, repeated by the operator).</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>The policy, profile or destination the spec names cannot be used.</summary>
    public const string SourceUnavailable = "SourceUnavailable";

    /// <summary>No backup with that name, or no restorable one for <c>latest</c>.</summary>
    public const string BackupNotFound = "BackupNotFound";

    /// <summary>The backup is encrypted with a key the profile does not hold (or no profile was given).</summary>
    public const string KeyMissing = "KeyMissing";

    /// <summary>The backup failed verification: tampered, truncated, checksum or manifest mismatch.</summary>
    public const string VerificationFailed = "VerificationFailed";

    /// <summary>The restore would write outside its own namespace, or cluster-scoped objects, from a non-admin namespace.</summary>
    public const string TenancyRefused = "TenancyRefused";

    /// <summary>The safety backup could not be written, so nothing was changed.</summary>
    public const string SafetyBackupFailed = "SafetyBackupFailed";

    /// <summary>Every selected object failed; <c>status.items</c> names them.</summary>
    public const string AllObjectsFailed = "AllObjectsFailed";

    /// <summary>The operator stopped while the restore was applying; it is never re-run automatically.</summary>
    public const string Interrupted = "Interrupted";

    /// <summary>Any other error; the message says which.</summary>
    public const string RestoreFailed = "RestoreFailed";
}
