namespace DBackup.DevCluster.Store;

/// <summary>Why the store refused a write or read; the HTTP layer maps each to an apiserver Status.</summary>
internal enum StoreFailure
{
    NotFound,
    AlreadyExists,
    Conflict,
    TooOld,
}

/// <summary>A store precondition failed (missing key, existing key, stale revision, compacted revision).</summary>
internal sealed class StoreException(StoreFailure failure, string message) : Exception(message)
{
    public StoreFailure Failure { get; } = failure;
}
