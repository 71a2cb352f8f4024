using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Restore;

/// <summary>
/// Writes the live state of every object a restore is about to replace as a normal backup, through the same
/// <see cref="BackupPipeline"/> as policy runs, before the first write. Each object keeps its component and goes
/// under its live (target) namespace, so restoring the safety backup with no mapping puts things back as they were.
/// </summary>
internal static class SafetyBackupWriter
{
    /// <summary>Writes the safety backup, or returns null when the restore replaces nothing.</summary>
    /// <exception cref="RestoreRefusedException">A Secret would be replaced but there is no key to encrypt its live values with.</exception>
    public static async Task<BackupResult?> WriteAsync(SafetyBackupTarget target, IReadOnlyList<PlannedObject> plan, TimeProvider time, CancellationToken ct)
    {
        var replaced = plan.Where(p => p.Action == RestoreAction.Update && p.Live is not null).ToList();
        if (replaced.Count == 0)
        {
            return null;
        }

        var secrets = replaced.Count(p => p.IsSecret);
        if (secrets > 0 && target.Key is null)
        {
            throw new RestoreRefusedException(
                $"the restore would replace {secrets} Secret(s), and the safety backup must keep their current values encrypted, but no encryption key was given for it",
                RestoreFailureKinds.SafetyBackupFailed);
        }

        var request = new BackupRequest
        {
            Policy = target.Folder,
            Trigger = SafetyBackupTarget.Trigger,
            Cluster = target.Cluster,
            Key = target.Key,
            ProfileName = target.ProfileName,
            IncludesSecrets = secrets > 0,
            TempDirectory = target.TempDirectory,
        };
        return await new BackupPipeline(time).WriteAsync(request, ObjectsAsync(replaced, ct), target.Destination, ct).ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<BackupObject> ObjectsAsync(List<PlannedObject> replaced, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var entry in replaced)
        {
            ct.ThrowIfCancellationRequested();
            var live = ObjectCleaner.Clean(entry.ParseLive()!);
            var reference = new ObjectRef(entry.Source.Component, entry.Resource.Group, entry.Resource.Version, entry.Resource.Resource,
                entry.Resource.Kind, entry.Namespace, entry.Name);
            yield return new BackupObject(reference, JsonSerializer.SerializeToUtf8Bytes<JsonObject>(live));
            await Task.Yield();
        }
    }
}
