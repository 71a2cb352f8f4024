using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace DBackup.Operator.Entities;

/// <summary>
/// A one-shot restore of a backup into the cluster. It runs once and keeps its result: re-applying the
/// same object from a GitOps repository never restores again.
/// </summary>
[k8s.Models.KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = ApiGroup.MetaBackupRestoreKind, PluralName = ApiGroup.MetaBackupRestorePlural)]
[ShortNames("mbr")]
[PrinterColumn("Backup", "string", ".status.backupName")]
[PrinterColumn("Mode", "string", ".spec.mode")]
[PrinterColumn("Phase", "string", ".status.phase")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class MetaBackupRestore : CustomResource<MetaBackupRestoreSpec, MetaBackupRestoreStatus>
{
    /// <summary>Creates an empty restore with kind and apiVersion set.</summary>
    public MetaBackupRestore() => Kind = ApiGroup.MetaBackupRestoreKind;
}

/// <summary>Desired state of a MetaBackupRestore.</summary>
[ValidationRule("has(self.policyRef) != has(self.destination)", "set exactly one of policyRef or destination")]
[ValidationRule("self == oldSelf", "a restore is one-shot: create a new MetaBackupRestore instead of changing this one")]
public sealed class MetaBackupRestoreSpec
{
    /// <summary>Restore from this policy's destination, with its key.</summary>
    [JsonPropertyName("policyRef")]
    public LocalObjectReference? PolicyRef { get; set; }

    /// <summary>Restore from this destination (disaster recovery on a fresh cluster, where no policy exists yet).</summary>
    [JsonPropertyName("destination")]
    public DestinationSpec? Destination { get; set; }

    /// <summary>Key to decrypt with, when <c>destination</c> is set (with policyRef, the policy's profile is used).</summary>
    [JsonPropertyName("encryptionProfileRef")]
    public LocalObjectReference? EncryptionProfileRef { get; set; }

    /// <summary>Policy folder in the destination, when <c>destination</c> is set.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; set; }

    /// <summary>Backup name, or <c>latest</c> for the newest complete backup.</summary>
    [Default("\"latest\"")]
    [JsonPropertyName("backup")]
    public string? Backup { get; set; }

    /// <summary><c>Merge</c> keeps existing objects and adds missing ones; <c>Overwrite</c> also replaces existing ones (disaster recovery).</summary>
    [Default("\"Merge\"")]
    [JsonPropertyName("mode")]
    public RestoreMode? Mode { get; set; }

    /// <summary>Only these components of the backup.</summary>
    [JsonPropertyName("components")]
    public List<string>? Components { get; set; }

    /// <summary>Only these resources (plural or plural.group).</summary>
    [JsonPropertyName("includeResources")]
    public List<string>? IncludeResources { get; set; }

    /// <summary>Leave out these resources.</summary>
    [JsonPropertyName("excludeResources")]
    public List<string>? ExcludeResources { get; set; }

    /// <summary>Only objects of these namespaces (names as in the backup).</summary>
    [JsonPropertyName("includeNamespaces")]
    public List<string>? IncludeNamespaces { get; set; }

    /// <summary>Restore namespace <c>from</c> as namespace <c>to</c>: objects and the namespace itself are renamed.</summary>
    [JsonPropertyName("namespaceMapping")]
    public Dictionary<string, string>? NamespaceMapping { get; set; }

    /// <summary>Compute and report the plan, change nothing.</summary>
    [Default("false")]
    [JsonPropertyName("dryRun")]
    public bool? DryRun { get; set; }

    /// <summary>Back up the current state of every object the restore will change before changing it.</summary>
    [Default("true")]
    [JsonPropertyName("safetyBackup")]
    public bool? SafetyBackup { get; set; }
}

/// <summary>How a restore treats objects that already exist.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RestoreMode>))]
public enum RestoreMode
{
    /// <summary>Keep existing objects, add only missing ones.</summary>
    Merge,

    /// <summary>Replace existing objects and create missing ones.</summary>
    Overwrite,
}
