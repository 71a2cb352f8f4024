using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace DBackup.Operator.Entities;

/// <summary>Where backups are written: exactly one of <c>s3</c> or <c>filesystem</c>.</summary>
[ValidationRule("has(self.s3) != has(self.filesystem)", "exactly one of s3 or filesystem must be set")]
public sealed class DestinationSpec
{
    /// <summary>An S3 bucket (AWS or any S3-compatible store).</summary>
    [JsonPropertyName("s3")]
    public S3DestinationSpec? S3 { get; set; }

    /// <summary>A folder on a volume mounted into the operator (a PVC).</summary>
    [JsonPropertyName("filesystem")]
    public FilesystemDestinationSpec? Filesystem { get; set; }
}

/// <summary>An S3 bucket and prefix.</summary>
public sealed class S3DestinationSpec
{
    /// <summary>Bucket name.</summary>
    [Required]
    [MinLength(3)]
    [JsonPropertyName("bucket")]
    public string Bucket { get; set; } = string.Empty;

    /// <summary>Key prefix inside the bucket; backups go to <c>&lt;prefix&gt;/&lt;policy&gt;/</c>.</summary>
    [JsonPropertyName("prefix")]
    public string? Prefix { get; set; }

    /// <summary>Region, e.g. <c>eu-west-1</c>; S3-compatible stores often accept any value.</summary>
    [JsonPropertyName("region")]
    public string? Region { get; set; }

    /// <summary>Endpoint URL of an S3-compatible store (MinIO, Ceph, R2 ...); empty for AWS.</summary>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>Use path-style URLs (<c>endpoint/bucket/key</c>), which most S3-compatible stores need.</summary>
    [JsonPropertyName("forcePathStyle")]
    public bool? ForcePathStyle { get; set; }

    /// <summary>
    /// Secret with keys <c>accessKeyId</c> and <c>secretAccessKey</c>; when omitted the AWS default
    /// credential chain is used (IRSA, instance profile).
    /// </summary>
    [JsonPropertyName("credentialsSecretRef")]
    public LocalObjectReference? CredentialsSecretRef { get; set; }
}

/// <summary>A folder path inside the operator's pod.</summary>
public sealed class FilesystemDestinationSpec
{
    /// <summary>Absolute path of the folder, on a mounted volume.</summary>
    [Required]
    [RegularExpression("^/.*")]
    [JsonPropertyName("path")]
    public string Path { get; set; } = string.Empty;
}
