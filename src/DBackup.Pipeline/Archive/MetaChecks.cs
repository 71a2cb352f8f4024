namespace DBackup.Pipeline.Archive;

/// <summary>Cross-checks a meta.json against the manifest and the payload it describes.</summary>
internal static class MetaChecks
{
    public static void AgainstManifest(BackupMeta meta, BackupManifest manifest)
    {
        Check(meta.Policy == manifest.Policy, "policy");
        Check(meta.Trigger == manifest.Trigger, "trigger");
        Check(meta.Cluster == manifest.Cluster, "cluster");
        Check(meta.CreatedAt == manifest.CreatedAt, "createdAt");
        Check(meta.CompletedAt == manifest.CompletedAt, "completedAt");
        Check(meta.ToolVersion == manifest.ToolVersion, "toolVersion");
        Check(meta.IncludesSecrets == manifest.IncludesSecrets, "includesSecrets");
        Check(meta.Objects == manifest.Objects, "objects");
        Check(meta.Components is not null && meta.Components.Count == manifest.Components.Count
            && manifest.Components.All(c => meta.Components.TryGetValue(c.Key, out var n) && n == c.Value.Objects), "components");
        if (BackupName.TryParseKey(meta.PayloadKey ?? string.Empty, out var policy, out var name, out _))
        {
            Check(policy == meta.Policy && name == meta.Name, "name");
        }
    }

    public static void AgainstPayload(BackupMeta meta, long payloadBytes, string sha256, long tarBytes)
    {
        Check(meta.Sizes.TarBytes == tarBytes, "sizes.tarBytes");
        Check(meta.Sizes.PayloadBytes == payloadBytes, "sizes.payloadBytes");
        Check(string.Equals(meta.Sha256, sha256, StringComparison.Ordinal), "sha256");
    }

    private static void Check(bool ok, string field)
    {
        if (!ok)
        {
            throw new InvalidBackupException($"meta.json {field} does not match the backup");
        }
    }
}
