namespace DBackup.Pipeline;

/// <summary>The outcome of a successful <see cref="BackupPipeline.WriteAsync"/>: both objects are stored.</summary>
/// <param name="Meta">The meta.json that was written (sizes, sha256, counts, encryption info).</param>
/// <param name="PayloadKey">Destination key of the payload, e.g. <c>nightly/nightly-20260101T030000Z.tar.gz.enc</c>.</param>
/// <param name="MetaKey">Destination key of the meta.json (payload key + <c>.meta.json</c>).</param>
/// <param name="Duration">Wall time of the whole write.</param>
public sealed record BackupResult(BackupMeta Meta, string PayloadKey, string MetaKey, TimeSpan Duration)
{
    /// <summary>The backup name, e.g. <c>nightly-20260101T030000Z</c>.</summary>
    public string Name => Meta.Name;
}
