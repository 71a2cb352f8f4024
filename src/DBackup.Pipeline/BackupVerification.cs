using DBackup.Pipeline.Archive;

namespace DBackup.Pipeline;

/// <summary>What <see cref="BackupReader.InspectAsync"/> learns from the header and manifest alone.</summary>
/// <param name="Manifest">The manifest (checked for internal consistency, entries not yet read).</param>
/// <param name="Meta">The meta.json given to the reader, if any (checked against the manifest).</param>
/// <param name="Encrypted">Whether the payload is encrypted.</param>
/// <param name="KeyId">Key id named by the encryption header, or null.</param>
/// <param name="SegmentSize">Encrypted segment size, or null.</param>
/// <param name="Compression"><c>gzip</c> or <c>none</c>, as sniffed from the bytes.</param>
public sealed record BackupInspection(
    BackupManifest Manifest, BackupMeta? Meta, bool Encrypted, string? KeyId, int? SegmentSize, string Compression);

/// <summary>The result of a full verification: every segment, entry, checksum and count held.</summary>
/// <param name="Manifest">The verified manifest.</param>
/// <param name="Encrypted">Whether the payload is encrypted.</param>
/// <param name="KeyId">Key id of the profile key that decrypted it, or null.</param>
/// <param name="Compression"><c>gzip</c> or <c>none</c>.</param>
/// <param name="PayloadBytes">Bytes of the stored payload.</param>
/// <param name="PayloadSha256">Lowercase hex SHA-256 of the stored payload.</param>
/// <param name="TarBytes">Bytes of the decompressed tar stream.</param>
/// <param name="Objects">Objects verified.</param>
public sealed record BackupVerification(
    BackupManifest Manifest, bool Encrypted, string? KeyId, string Compression, long PayloadBytes, string PayloadSha256, long TarBytes, long Objects)
{
    /// <summary>SHA-256 of the decrypted (still compressed) bytes; ties a second pass to the verified first.</summary>
    internal string InnerSha256 { get; init; } = string.Empty;

    /// <summary>SHA-256 of the manifest.json bytes.</summary>
    internal string ManifestSha256 { get; init; } = string.Empty;
}
