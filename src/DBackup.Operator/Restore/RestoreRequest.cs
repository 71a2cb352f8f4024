using DBackup.Operator.Entities;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Restore;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Restore;

/// <summary>What to restore and how: the input of <see cref="RestoreEngine.RunAsync"/>.</summary>
public sealed record RestoreRequest
{
    /// <summary>The destination that holds the backup (filesystem or S3).</summary>
    public required IBackupDestination Source { get; init; }

    /// <summary>Policy folder to look in for <see cref="Backup"/>; null searches the whole destination.</summary>
    public string? Policy { get; init; }

    /// <summary>
    /// A backup name (<c>nightly-20260101T030000Z</c>), its payload file name or key, or <c>latest</c> for the newest
    /// complete backup (one with its meta.json) in <see cref="Policy"/>'s folder.
    /// </summary>
    public string Backup { get; init; } = BackupCatalog.Latest;

    /// <summary>
    /// Whether a payload named exactly by <see cref="Backup"/> may be restored when its meta.json is missing (the
    /// offline CLI, given a file that was copied on its own). The payload describes itself and is verified completely
    /// before any write; only the cross-checks against meta.json are lost. Never applies to <c>latest</c>, where a
    /// payload without meta.json is an upload that did not finish.
    /// </summary>
    public bool AcceptPayloadWithoutMeta { get; init; }

    /// <summary>Candidate keys; the backup's keyId picks one. Empty reads unencrypted backups only.</summary>
    public KeyRing Keys { get; init; } = KeyRing.Empty;

    /// <summary><c>Merge</c> keeps existing objects; <c>Overwrite</c> replaces them.</summary>
    public RestoreMode Mode { get; init; } = RestoreMode.Merge;

    /// <summary>Filters and namespace mapping.</summary>
    public RestoreSelection Selection { get; init; } = RestoreSelection.All;

    /// <summary>Plan and validate with the server's <c>dryRun=All</c>, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Where to back up the live state of every object the restore replaces; null for no safety backup.</summary>
    public SafetyBackupTarget? SafetyBackup { get; init; }

    /// <summary>
    /// Tenancy: when set, the restore may write only objects in this namespace and no cluster-scoped objects
    /// (the Namespace object of this namespace itself is skipped). Anything else refuses the whole restore before any write.
    /// </summary>
    public string? AllowedNamespace { get; init; }

    /// <summary>Writes in flight at once within one dependency rank (1 to 64).</summary>
    public int Parallelism { get; init; } = RestoreEngine.DefaultParallelism;

    /// <summary>How long to wait for a restored CustomResourceDefinition to become Established before its objects fail.</summary>
    public TimeSpan CrdEstablishTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bounds for reading the backup; null for <see cref="ReadLimits.Default"/>.</summary>
    public ReadLimits? Limits { get; init; }

    /// <summary>
    /// Called once, just before the restore's first write to the cluster; null for no call. Callers that must know
    /// whether a stopped restore may have changed anything (the MetaBackupRestore reconciler) record that here.
    /// </summary>
    /// <remarks>
    /// <para>
    /// It runs after the backup verified completely, the plan was made against the live cluster and the safety
    /// backup (when asked for and needed) is stored, so <see cref="RestoreWriteStart.SafetyBackupName"/> can be
    /// recorded with it. A restore stopped before the call has changed nothing in the cluster and may simply be run
    /// again; at most it leaves a safety backup no restore refers to.
    /// </para>
    /// <para>
    /// It is never called for a <see cref="DryRun"/>, nor when the plan has nothing to create or update, nor when the
    /// restore fails or is refused before its first write. When it throws, nothing is written and the exception
    /// reaches the caller of <see cref="RestoreEngine.RunAsync"/> unchanged (it is not turned into a Failed result).
    /// </para>
    /// </remarks>
    public Func<RestoreWriteStart, CancellationToken, Task>? BeforeFirstWrite { get; init; }
}

/// <summary>What a restore is about to write, as handed to <see cref="RestoreRequest.BeforeFirstWrite"/>.</summary>
/// <param name="BackupName">The backup being restored (resolved from <c>latest</c>).</param>
/// <param name="SafetyBackupName">The stored safety backup of everything about to be replaced; null when none was written.</param>
/// <param name="Creates">Objects the plan creates.</param>
/// <param name="Updates">Objects the plan replaces.</param>
public sealed record RestoreWriteStart(string BackupName, string? SafetyBackupName, int Creates, int Updates);

/// <summary>
/// Where and how a safety backup is written. It is a normal, restorable backup (trigger <c>safety</c>) in
/// <see cref="Folder"/> of <see cref="Destination"/>, named <c>&lt;folder&gt;-&lt;yyyyMMddTHHmmssZ&gt;</c>.
/// </summary>
/// <remarks>
/// Policy retention only ever lists and deletes inside its own policy's folder, so safety backups in
/// <see cref="DefaultFolder"/> are never removed by retention; do not name a policy <c>dbackup-safety</c>.
/// </remarks>
public sealed record SafetyBackupTarget
{
    /// <summary>The folder safety backups go into unless told otherwise.</summary>
    public const string DefaultFolder = "dbackup-safety";

    /// <summary>Trigger recorded in the safety backup's manifest and meta.json.</summary>
    public const string Trigger = "safety";

    /// <summary>The destination (usually the one the restored backup came from).</summary>
    public required IBackupDestination Destination { get; init; }

    /// <summary>
    /// Encryption key. Required when the restore replaces a Secret, whose live values the safety backup must hold:
    /// without one such a restore is refused before any write.
    /// </summary>
    public EncryptionKey? Key { get; init; }

    /// <summary>EncryptionProfileRef name recorded in meta.json.</summary>
    public string? ProfileName { get; init; }

    /// <summary>Folder (and name prefix) in the destination; a DNS-1123 label.</summary>
    public string Folder { get; init; } = DefaultFolder;

    /// <summary>Cluster name or URL recorded in the backup.</summary>
    public string? Cluster { get; init; }

    /// <summary>Folder for the pipeline's private spool; null for the system temp folder.</summary>
    public string? TempDirectory { get; init; }
}
