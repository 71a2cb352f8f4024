using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Controllers;

/// <summary>
/// Reads the Secrets an EncryptionProfileRef names, validates the keys and publishes the current key's
/// fingerprint in <c>status.keyId</c>; <c>Ready</c> is false with the precise reason otherwise. The key
/// itself never leaves memory.
/// </summary>
/// <remarks>
/// The Secrets are re-read every <see cref="SecretRecheck"/> rather than watched, so a created, fixed or rotated
/// key shows within that time. A Secret watch would stream the value of every Secret in the cluster through the
/// operator on each change; reading only the few Secrets profiles name keeps other teams' secret material out of
/// the operator's memory, and costs one GET per profile per interval. No finalizer: nothing is left to clean up.
/// </remarks>
public sealed class EncryptionProfileRefReconciler(IKubernetes client, StatusWriter statusWriter, TimeProvider time, ILogger<EncryptionProfileRefReconciler> logger)
    : IReconciler<EncryptionProfileRef>
{
    /// <summary>How often the Secrets are re-read.</summary>
    public static readonly TimeSpan SecretRecheck = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public async Task<ReconcileResult> ReconcileAsync(EncryptionProfileRef entity, CancellationToken cancellationToken)
    {
        string? keyId = null;
        List<string>? previous = null;
        k8s.Models.V1Condition ready;
        try
        {
            var ring = await EncryptionProfileKeys.LoadAsync(client, entity.Metadata.NamespaceProperty, entity.Spec, cancellationToken).ConfigureAwait(false);
            keyId = ring.Current!.KeyId;
            previous = ring.KeyIds.Skip(1).ToList();
            ready = Conditions.Build(ConditionTypes.Ready, Conditions.True, "KeyLoaded", $"key {keyId} from Secret {entity.Spec.SecretRef.Name} (key '{entity.Spec.SecretRef.Key}')" + (previous.Count > 0 ? $"; {previous.Count} previous key(s)" : string.Empty), entity.Metadata.Generation);
        }
        catch (ProfileKeyException e)
        {
            logger.LogWarning("EncryptionProfileRef {Namespace}/{Name} is not ready: {Reason}: {Message}", entity.Metadata.NamespaceProperty, entity.Metadata.Name, e.Reason, e.Message);
            ready = Conditions.Build(ConditionTypes.Ready, Conditions.False, e.Reason, e.Message, entity.Metadata.Generation);
        }

        var now = time.GetUtcNow().UtcDateTime;
        await statusWriter.UpdateAsync(entity, (EncryptionProfileRefStatus s) =>
        {
            s.KeyId = keyId;
            s.PreviousKeyIds = previous is { Count: > 0 } ? previous : null;
            s.Conditions ??= [];
            return Conditions.Set(s.Conditions, ready, now);
        }, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.RequeueAfter(SecretRecheck);
    }
}
