using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace DBackup.Operator.Entities;

/// <summary>
/// Backs up the configuration objects chosen by its sources on a cron schedule, into an encrypted,
/// verifiable archive, and applies retention. Status tells what happened and when it runs next.
/// </summary>
[k8s.Models.KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = ApiGroup.MetaBackupPolicyKind, PluralName = ApiGroup.MetaBackupPolicyPlural)]
[ShortNames("mbp")]
[PrinterColumn("Schedule", "string", ".spec.schedule")]
[PrinterColumn("Last Backup", "date", ".status.lastSuccessfulBackup.time")]
[PrinterColumn("Status", "string", ".status.conditions[?(@.type==\"Ready\")].reason")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class MetaBackupPolicy : CustomResource<MetaBackupPolicySpec, MetaBackupPolicyStatus>
{
    /// <summary>Creates an empty policy with kind and apiVersion set.</summary>
    public MetaBackupPolicy() => Kind = ApiGroup.MetaBackupPolicyKind;
}

/// <summary>Desired state of a MetaBackupPolicy.</summary>
[ValidationRule("!has(self.includeSecrets) || !self.includeSecrets || has(self.encryptionProfileRef)", "includeSecrets requires encryptionProfileRef: Secret values are never written unencrypted")]
public sealed class MetaBackupPolicySpec
{
    /// <summary>Cron schedule with five fields (minute hour day-of-month month day-of-week), e.g. <c>0 3 * * *</c>.</summary>
    [Required]
    [JsonPropertyName("schedule")]
    public string Schedule { get; set; } = string.Empty;

    /// <summary>IANA time zone the schedule is read in, e.g. <c>Europe/Berlin</c>; UTC when omitted.</summary>
    [JsonPropertyName("timeZone")]
    public string? TimeZone { get; set; }

    /// <summary>Pauses scheduled runs; manual runs still work.</summary>
    [JsonPropertyName("suspend")]
    public bool? Suspend { get; set; }

    /// <summary>A run missed while the operator was down still runs once if it is at most this many seconds late.</summary>
    [Range(0, long.MaxValue)]
    [JsonPropertyName("startingDeadlineSeconds")]
    public long? StartingDeadlineSeconds { get; set; }

    /// <summary>What to back up: one or more named components.</summary>
    [Required]
    [MinLength(1)]
    [JsonPropertyName("sources")]
    public List<BackupSource> Sources { get; set; } = [];

    /// <summary>Keep Secret values. When false (the default) they are replaced by a placeholder and the backup is safe to share.</summary>
    [Default("false")]
    [JsonPropertyName("includeSecrets")]
    public bool? IncludeSecrets { get; set; }

    /// <summary>The EncryptionProfileRef (same namespace) whose key encrypts the backups.</summary>
    [JsonPropertyName("encryptionProfileRef")]
    public LocalObjectReference? EncryptionProfileRef { get; set; }

    /// <summary>Compression of the archive.</summary>
    [JsonPropertyName("compression")]
    public CompressionSpec? Compression { get; set; }

    /// <summary>Where backups are written.</summary>
    [Required]
    [JsonPropertyName("destination")]
    public DestinationSpec Destination { get; set; } = new();

    /// <summary>Which older backups of this policy to delete after each successful run.</summary>
    [JsonPropertyName("retention")]
    public RetentionSpec? Retention { get; set; }

    /// <summary>Restore drills: on their own schedule, prove that the newest backup can be restored.</summary>
    [JsonPropertyName("verify")]
    public VerifySpec? Verify { get; set; }
}

/// <summary>One named component of a backup.</summary>
[ValidationRule("has(self.kubernetes)", "a source needs a kind: set kubernetes")]
public sealed class BackupSource
{
    /// <summary>Component name; the first folder of its objects in the archive, and what a restore selects.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [MaxLength(63)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Kubernetes API objects.</summary>
    [JsonPropertyName("kubernetes")]
    public KubernetesSource? Kubernetes { get; set; }
}

/// <summary>API objects chosen by resource, namespace and label.</summary>
public sealed class KubernetesSource
{
    /// <summary>Resources by plural name (<c>configmaps</c>) or <c>plural.group</c> (<c>widgets.example.com</c>); cluster-scoped resources allowed in admin namespaces.</summary>
    [Required]
    [MinLength(1)]
    [JsonPropertyName("resources")]
    public List<string> Resources { get; set; } = [];

    /// <summary>Namespaces to read. Empty: the policy's own namespace (or all, for policies in admin namespaces with a namespaceSelector).</summary>
    [JsonPropertyName("namespaces")]
    public List<string>? Namespaces { get; set; }

    /// <summary>Label selector on namespaces, e.g. <c>team=payments</c>. Admin namespaces only.</summary>
    [JsonPropertyName("namespaceSelector")]
    public string? NamespaceSelector { get; set; }

    /// <summary>Label selector on objects, e.g. <c>app=shop,tier!=cache</c>.</summary>
    [JsonPropertyName("labelSelector")]
    public string? LabelSelector { get; set; }

    /// <summary>Resources to leave out.</summary>
    [JsonPropertyName("excludeResources")]
    public List<string>? ExcludeResources { get; set; }

    /// <summary>Also back up objects owned by a controller (left out by default, as their owner recreates them).</summary>
    [JsonPropertyName("includeControllerOwned")]
    public bool? IncludeControllerOwned { get; set; }
}

/// <summary>Compression settings.</summary>
public sealed class CompressionSpec
{
    /// <summary>Algorithm.</summary>
    [Default("\"gzip\"")]
    [JsonPropertyName("algorithm")]
    public CompressionAlgorithm? Algorithm { get; set; }

    /// <summary>
    /// Level: fastest (the default: about 3x less CPU than optimal, files about 1.5x larger), optimal (gzip -6) or smallest.
    /// </summary>
    [Default("\"fastest\"")]
    [JsonPropertyName("level")]
    public CompressionLevelName? Level { get; set; }
}

/// <summary>Compression algorithms.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompressionAlgorithm>))]
public enum CompressionAlgorithm
{
    /// <summary>gzip (deflate).</summary>
    [JsonStringEnumMemberName("gzip")]
    Gzip,

    /// <summary>No compression.</summary>
    [JsonStringEnumMemberName("none")]
    None,
}

/// <summary>Compression levels.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompressionLevelName>))]
public enum CompressionLevelName
{
    /// <summary>Fastest.</summary>
    [JsonStringEnumMemberName("fastest")]
    Fastest,

    /// <summary>Balanced (zlib level 6).</summary>
    [JsonStringEnumMemberName("optimal")]
    Optimal,

    /// <summary>Smallest output.</summary>
    [JsonStringEnumMemberName("smallest")]
    Smallest,
}

/// <summary>Retention of older backups.</summary>
public sealed class RetentionSpec
{
    /// <summary>Keep at most this many successful backups.</summary>
    [Range(1, int.MaxValue)]
    [JsonPropertyName("keepLast")]
    public int? KeepLast { get; set; }

    /// <summary>Delete backups older than this duration, e.g. <c>720h</c> or <c>30d</c>. The newest successful backup is never deleted.</summary>
    [RegularExpression("^([0-9]+(ms|s|m|h|d))+$")]
    [JsonPropertyName("maxAge")]
    public string? MaxAge { get; set; }
}

/// <summary>Restore drill settings.</summary>
public sealed class VerifySpec
{
    /// <summary>
    /// Cron schedule of the drill (five fields, read in the policy's <c>timeZone</c>): download the newest backup,
    /// decrypt it, verify every checksum and plan a dry-run restore against the live cluster; nothing is written.
    /// </summary>
    [Required]
    [JsonPropertyName("schedule")]
    public string Schedule { get; set; } = string.Empty;
}
