using System.Text.Json.Serialization;
using k8s.Models;

namespace DBackup.Operator.Entities;

/// <summary>Phase of a restore; Succeeded, PartiallyFailed and Failed are terminal.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RestorePhase>))]
public enum RestorePhase
{
    /// <summary>Accepted, not started.</summary>
    Pending,

    /// <summary>Verifying or applying.</summary>
    Running,

    /// <summary>Every selected object is in place (or, for a dry run, the plan is complete).</summary>
    Succeeded,

    /// <summary>Some objects failed; see <c>items</c>.</summary>
    PartiallyFailed,

    /// <summary>Nothing was applied: the backup could not be read, verified or planned.</summary>
    Failed,
}

/// <summary>Observed state of a MetaBackupRestore.</summary>
public sealed partial class MetaBackupRestoreStatus
{
    /// <summary>Most items kept in status; failures are kept first.</summary>
    public const int MaxItems = 100;

    /// <summary>The generation of the spec this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Where the restore is.</summary>
    [JsonPropertyName("phase")]
    public RestorePhase? Phase { get; set; }

    /// <summary>Start time.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>Completion time.</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>The backup restored (resolved from <c>latest</c>).</summary>
    [JsonPropertyName("backupName")]
    public string? BackupName { get; set; }

    /// <summary>The safety backup taken before the first change.</summary>
    [JsonPropertyName("safetyBackupName")]
    public string? SafetyBackupName { get; set; }

    /// <summary>Counts per outcome.</summary>
    [JsonPropertyName("summary")]
    public RestoreSummary? Summary { get; set; }

    /// <summary>Failures and changes, bounded.</summary>
    [JsonPropertyName("items")]
    public List<RestoreItem>? Items { get; set; }

    /// <summary>Standard conditions.</summary>
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }
}

/// <summary>Counts per outcome.</summary>
public sealed class RestoreSummary
{
    /// <summary>Objects created.</summary>
    [JsonPropertyName("created")]
    public int Created { get; set; }

    /// <summary>Objects replaced.</summary>
    [JsonPropertyName("updated")]
    public int Updated { get; set; }

    /// <summary>Objects already equal.</summary>
    [JsonPropertyName("unchanged")]
    public int Unchanged { get; set; }

    /// <summary>Objects left alone (Merge mode, filters, redacted Secrets over real ones).</summary>
    [JsonPropertyName("skipped")]
    public int Skipped { get; set; }

    /// <summary>Objects that could not be applied or verified.</summary>
    [JsonPropertyName("failed")]
    public int Failed { get; set; }
}

/// <summary>What happened (or would happen) to one object.</summary>
public sealed class RestoreItem
{
    /// <summary><c>plural.group</c> of the object.</summary>
    [JsonPropertyName("resource")]
    public string Resource { get; set; } = string.Empty;

    /// <summary>Target namespace (after mapping); empty for cluster-scoped objects.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>Object name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary><c>create</c>, <c>update</c>, <c>unchanged</c>, <c>skip</c> or <c>fail</c>.</summary>
    [JsonPropertyName("action")]
    public string Action { get; set; } = string.Empty;

    /// <summary>Why: the error, the skip reason, or a short field-level diff for updates.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }
}
