using System.Text;
using DBackup.Operator.Entities;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Autorest;

namespace DBackup.Operator.Kubernetes;

/// <summary>Why the keys of an EncryptionProfileRef could not be loaded; <see cref="Reason"/> is a condition reason.</summary>
public sealed class ProfileKeyException(string reason, string message) : Exception(message)
{
    /// <summary>CamelCase reason for the <c>Ready</c> condition: SecretNotFound, KeyNotFound, KeyMalformed.</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Loads the keys an EncryptionProfileRef points at: the current key first, then previous keys, all
/// from Secrets in the profile's own namespace. Messages name Secrets and keys, never key material.
/// </summary>
public static class EncryptionProfileKeys
{
    /// <summary>Reads the profile's Secrets and returns its key ring (current key first).</summary>
    /// <exception cref="ProfileKeyException">A Secret or key is missing or not a dbackup key.</exception>
    public static async Task<KeyRing> LoadAsync(IKubernetes client, string @namespace, EncryptionProfileRefSpec spec, CancellationToken cancellationToken)
    {
        var keys = new List<EncryptionKey> { await LoadKeyAsync(client, @namespace, spec.SecretRef, cancellationToken).ConfigureAwait(false) };
        foreach (var previous in spec.PreviousKeys ?? [])
        {
            keys.Add(await LoadKeyAsync(client, @namespace, previous, cancellationToken).ConfigureAwait(false));
        }

        return new KeyRing(keys);
    }

    /// <summary>Reads an EncryptionProfileRef by name and loads its keys.</summary>
    /// <exception cref="ProfileKeyException">The profile, a Secret or a key is missing or malformed.</exception>
    public static async Task<KeyRing> LoadAsync(IKubernetes client, string @namespace, string profileName, CancellationToken cancellationToken)
    {
        EncryptionProfileRef profile;
        try
        {
            profile = await client.CustomObjects.GetNamespacedCustomObjectAsync<EncryptionProfileRef>(
                ApiGroup.Group, ApiGroup.Version, @namespace, ApiGroup.EncryptionProfileRefPlural, profileName, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new ProfileKeyException("ProfileNotFound", $"EncryptionProfileRef {@namespace}/{profileName} does not exist");
        }

        return await LoadAsync(client, @namespace, profile.Spec, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<EncryptionKey> LoadKeyAsync(IKubernetes client, string @namespace, SecretKeyReference reference, CancellationToken cancellationToken)
    {
        k8s.Models.V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(reference.Name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new ProfileKeyException("SecretNotFound", $"Secret {@namespace}/{reference.Name} does not exist");
        }

        if (secret.Data is null || !secret.Data.TryGetValue(reference.Key, out var bytes))
        {
            var keys = secret.Data is null ? "none" : string.Join(", ", secret.Data.Keys.Order(StringComparer.Ordinal));
            throw new ProfileKeyException("KeyNotFound", $"Secret {@namespace}/{reference.Name} has no key '{reference.Key}' (keys: {keys})");
        }

        if (!EncryptionKey.TryParse(Encoding.UTF8.GetString(bytes), out var key, out var error))
        {
            throw new ProfileKeyException("KeyMalformed", $"Secret {@namespace}/{reference.Name} key '{reference.Key}' is not a dbackup key: {error}");
        }

        return key;
    }
}
