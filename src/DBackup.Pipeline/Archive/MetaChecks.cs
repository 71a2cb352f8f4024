using DBackup.Pipeline.Encryption;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// Cross-checks a meta.json against the payload header, the manifest and the payload it describes. meta.json is
/// not authenticated, the header is (it is the AAD of every segment): on any disagreement the backup is refused,
/// never shown with the meta.json's claim.
/// </summary>
internal static class MetaChecks
{
    /// <summary>meta.json's encryption claims against the payload's header (null: the payload is not encrypted).</summary>
    /// <exception cref="InvalidBackupException">They disagree.</exception>
    public static void AgainstHeader(BackupMeta meta, SegmentHeader? header)
    {
        if (meta.Encryption.Enabled != header is not null)
        {
            throw new InvalidBackupException(meta.Encryption.Enabled
                ? "meta.json says the payload is encrypted, but the payload is not encrypted"
                : "meta.json says the payload is not encrypted, but the payload is encrypted");
        }

        if (header is null)
        {
            return;
        }

        var info = meta.Encryption;
        var expected = header.ToInfo(info.Profile);
        string? field = info.Algorithm != expected.Algorithm ? "algorithm"
            : info.KeyId != expected.KeyId ? "keyId"
            : info.WrappedKey != expected.WrappedKey ? "wrappedKey"
            : info.NoncePrefix != expected.NoncePrefix ? "noncePrefix"
            : info.SegmentSize != expected.SegmentSize ? "segmentSize"
            : null;
        if (field is not null)
        {
            throw new InvalidBackupException($"meta.json encryption.{field} does not match the payload header");
        }
    }

    public static void AgainstManifest(BackupMeta meta, BackupManifest manifest)
    {
        Check(meta.FormatVersion == manifest.FormatVersion, "formatVersion");
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
