using System.Net;
using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Storage;
using k8s;
using k8s.Autorest;

namespace DBackup.Operator.Controllers;

/// <summary>Why a restore source could not be used; <see cref="Reason"/> is one of <see cref="RestoreReasons"/>.</summary>
public sealed class RestoreSourceException(string reason, string message) : Exception(message)
{
    /// <summary>CamelCase condition reason.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Where a restore (or a restore drill) reads from: the destination, the policy folder in it and the profile's
/// key ring — from a MetaBackupPolicy (<c>policyRef</c>) or from an explicit destination and EncryptionProfileRef.
/// Everything is read from the restore's own namespace (security model: a profile and its Secret live beside
/// their user). Dispose it: an S3 destination owns an SDK client.
/// </summary>
public sealed class RestoreSource : IDisposable
{
    private RestoreSource(IBackupDestination destination, string? folder, KeyRing keys, string? profile)
    {
        Destination = destination;
        Folder = folder;
        Keys = keys;
        Profile = profile;
    }

    /// <summary>The destination holding the backups.</summary>
    public IBackupDestination Destination { get; }

    /// <summary>The policy folder in it; null searches the whole destination (named backups only).</summary>
    public string? Folder { get; }

    /// <summary>The profile's keys, current first; empty without a profile.</summary>
    public KeyRing Keys { get; }

    /// <summary>The EncryptionProfileRef name, if any.</summary>
    public string? Profile { get; }

    /// <summary>Opens the source a restore's spec names (the spec must have passed the spec check).</summary>
    /// <exception cref="RestoreSourceException">The policy, profile, key or destination cannot be used.</exception>
    public static async Task<RestoreSource> OpenAsync(IKubernetes client, MetaBackupRestore restore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var ns = restore.Metadata.NamespaceProperty ?? "default";
        var spec = restore.Spec;
        if (spec.PolicyRef is { } policyRef)
        {
            MetaBackupPolicy policy;
            try
            {
                policy = await client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(
                    ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, policyRef.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new RestoreSourceException(RestoreReasons.SourceUnavailable, $"MetaBackupPolicy {ns}/{policyRef.Name} (spec.policyRef) does not exist");
            }

            return await OpenAsync(client, ns, policy.Spec.Destination, policy.Metadata.Name, policy.Spec.EncryptionProfileRef?.Name, cancellationToken).ConfigureAwait(false);
        }

        return await OpenAsync(client, ns, spec.Destination, spec.Policy, spec.EncryptionProfileRef?.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the source of a policy's own backups (restore drills).</summary>
    /// <exception cref="RestoreSourceException">The profile, key or destination cannot be used.</exception>
    public static Task<RestoreSource> OpenAsync(IKubernetes client, MetaBackupPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return OpenAsync(client, policy.Metadata.NamespaceProperty ?? "default", policy.Spec.Destination, policy.Metadata.Name, policy.Spec.EncryptionProfileRef?.Name, cancellationToken);
    }

    /// <summary>
    /// Finds the backup (<c>latest</c> resolves to the newest complete one) and checks that the profile holds the key
    /// its header names, before anything else reads it.
    /// </summary>
    /// <exception cref="RestoreSourceException">No such (complete) backup, or its key is missing.</exception>
    public async Task<BackupInfo> FindAsync(string? nameOrLatest, CancellationToken cancellationToken)
    {
        var wanted = string.IsNullOrWhiteSpace(nameOrLatest) ? BackupCatalog.Latest : nameOrLatest.Trim();
        BackupInfo backup;
        try
        {
            backup = await BackupCatalog.FindAsync(Destination, Folder, wanted, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupNotFoundException e)
        {
            throw new RestoreSourceException(RestoreReasons.BackupNotFound, e.Message);
        }
        catch (BackupStorageException e)
        {
            throw new RestoreSourceException(RestoreReasons.SourceUnavailable, $"cannot list backups in {Destination.Location}: {e.Message}");
        }

        if (!backup.IsRestorable)
        {
            throw new RestoreSourceException(RestoreReasons.BackupNotFound, $"backup {backup.Name} is not restorable: {backup.Problem ?? backup.State.ToString()}");
        }

        EncryptionInfo encryption;
        try
        {
            var reader = await BackupReader.FromDestinationAsync(Destination, backup.PayloadKey, Keys, cancellationToken: cancellationToken).ConfigureAwait(false);
            encryption = await reader.ReadEncryptionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidBackupException e)
        {
            throw new RestoreSourceException(RestoreReasons.VerificationFailed, $"backup {backup.Name}: {e.Message}");
        }
        catch (BackupNotFoundException e)
        {
            throw new RestoreSourceException(RestoreReasons.BackupNotFound, $"backup {backup.Name}: {e.Message}");
        }
        catch (BackupStorageException e)
        {
            throw new RestoreSourceException(RestoreReasons.SourceUnavailable, $"cannot read backup {backup.Name} from {Destination.Location}: {e.Message}");
        }

        if (encryption.Enabled && (encryption.KeyId is not { } keyId || !Keys.TryGet(keyId, out _)))
        {
            var held = Profile is null
                ? "no encryptionProfileRef is set"
                : Keys.Count == 0 ? $"EncryptionProfileRef {Profile} holds no key" : $"EncryptionProfileRef {Profile} holds keyId(s) {string.Join(", ", Keys.KeyIds)}";
            throw new RestoreSourceException(RestoreReasons.KeyMissing,
                $"backup {backup.Name} is encrypted with keyId {encryption.KeyId}, but {held}; add the old key to the profile's previousKeys");
        }

        return backup;
    }

    /// <inheritdoc />
    public void Dispose() => (Destination as IDisposable)?.Dispose();

    private static async Task<RestoreSource> OpenAsync(IKubernetes client, string ns, DestinationSpec? destination, string? folder, string? profile, CancellationToken cancellationToken)
    {
        var keys = KeyRing.Empty;
        if (!string.IsNullOrEmpty(profile))
        {
            try
            {
                keys = await EncryptionProfileKeys.LoadAsync(client, ns, profile, cancellationToken).ConfigureAwait(false);
            }
            catch (ProfileKeyException e)
            {
                throw new RestoreSourceException(RestoreReasons.KeyMissing, $"{e.Reason}: {e.Message}");
            }
        }

        try
        {
            return new RestoreSource(await BackupDestinations.CreateAsync(client, ns, destination, cancellationToken).ConfigureAwait(false), folder, keys, profile);
        }
        catch (BackupRunException e)
        {
            throw new RestoreSourceException(RestoreReasons.SourceUnavailable, e.Message);
        }
    }
}
