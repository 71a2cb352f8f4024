using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace DBackup.Operator.Entities;

/// <summary>
/// Points at a Secret that holds a 256-bit backup key, exactly the text `dbackup keygen` writes, so
/// `kubectl create secret generic backup-key --from-file=key=backup.key` just works. The status shows
/// the key's fingerprint (keyId), never the key.
/// </summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = ApiGroup.EncryptionProfileRefKind, PluralName = ApiGroup.EncryptionProfileRefPlural)]
[ShortNames("epr")]
[PrinterColumn("Key ID", "string", ".status.keyId")]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class EncryptionProfileRef : CustomResource<EncryptionProfileRefSpec, EncryptionProfileRefStatus>
{
    /// <summary>Creates an empty profile with kind and apiVersion set.</summary>
    public EncryptionProfileRef() => Kind = ApiGroup.EncryptionProfileRefKind;
}

/// <summary>Desired state of an EncryptionProfileRef.</summary>
public sealed class EncryptionProfileRefSpec
{
    /// <summary>The Secret and key that hold the current key. New backups are encrypted with it.</summary>
    [Required]
    [JsonPropertyName("secretRef")]
    public SecretKeyReference SecretRef { get; set; } = new();

    /// <summary>Earlier keys, kept after a rotation so that older backups stay readable. Never used to encrypt.</summary>
    [JsonPropertyName("previousKeys")]
    public List<SecretKeyReference>? PreviousKeys { get; set; }
}

/// <summary>Observed state of an EncryptionProfileRef.</summary>
public sealed class EncryptionProfileRefStatus
{
    /// <summary>The generation of the spec this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Fingerprint of the current key (16 hex characters); reveals nothing about the key.</summary>
    [JsonPropertyName("keyId")]
    public string? KeyId { get; set; }

    /// <summary>Fingerprints of the previous keys that could be read.</summary>
    [JsonPropertyName("previousKeyIds")]
    public List<string>? PreviousKeyIds { get; set; }

    /// <summary>Standard conditions; <c>Ready</c> is false with a precise reason when a Secret or key is missing or malformed.</summary>
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }
}
