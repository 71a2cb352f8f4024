using System.Text;
using DBackup.Operator.Entities;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Demo;

/// <summary>
/// The demo's cluster content (after <see cref="Crds.EmbeddedCrds"/>): a namespace with an
/// application's ConfigMaps and Secrets, the key Secret with its EncryptionProfileRef, and a policy.
/// </summary>
internal static class DemoWorld
{
    public const string Namespace = "shop";
    public const string RestoreNamespace = "shop-restored";
    public const string PolicyName = "shop-nightly";
    public const string ProfileName = "backup-key";

    /// <summary>The application: ConfigMaps and Secrets, one of them with a value we can look for.</summary>
    public static async Task<int> CreateApplicationAsync(IKubernetes client, CancellationToken ct)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace, Labels = new Dictionary<string, string> { ["team"] = "shop" } } }, cancellationToken: ct).ConfigureAwait(false);
        var configMaps = new Dictionary<string, Dictionary<string, string>>
        {
            ["app-config"] = new() { ["LOG_LEVEL"] = "info", ["CURRENCY"] = "EUR", ["checkout.yaml"] = "retries: 3\ntimeoutSeconds: 10\n" },
            ["feature-flags"] = new() { ["new-cart"] = "true", ["dark-mode"] = "false" },
            ["nginx-conf"] = new() { ["default.conf"] = "server { listen 8080; location / { proxy_pass http://shop:8080; } }\n" },
        };
        foreach (var (name, data) in configMaps)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "shop" } }, Data = data }, Namespace, cancellationToken: ct).ConfigureAwait(false);
        }

        await SecretAsync(client, "db-credentials", new() { ["username"] = "shop", ["password"] = "s3cr3t-demo-password" }, ct).ConfigureAwait(false);
        await SecretAsync(client, "payment-api", new() { ["token"] = "demo-payment-token-42" }, ct).ConfigureAwait(false);
        return configMaps.Count + 2;
    }

    /// <summary>Stores the key as kubectl would (<c>--from-file=key=backup.key</c>) and points a profile at it.</summary>
    public static async Task CreateProfileAsync(IKubernetes client, EncryptionKey key, CancellationToken ct)
    {
        await client.CoreV1.CreateNamespacedSecretAsync(
            // A backup encrypted with this key cannot restore the key itself, so it stays out (kept in a recovery kit instead).
            new V1Secret { Metadata = new V1ObjectMeta { Name = ProfileName, Labels = new Dictionary<string, string> { [Kubernetes.SkipRules.ExcludeLabel] = "true" } }, Data = new Dictionary<string, byte[]> { ["key"] = Encoding.UTF8.GetBytes(key.ToFileText()) } },
            Namespace, cancellationToken: ct).ConfigureAwait(false);
        var profile = new EncryptionProfileRef { Metadata = new V1ObjectMeta { Name = ProfileName, NamespaceProperty = Namespace } };
        profile.Spec.SecretRef = new SecretKeyReference { Name = ProfileName, Key = "key" };
        await CreateAsync(client, profile, ApiGroup.EncryptionProfileRefPlural, ct).ConfigureAwait(false);
    }

    /// <summary>A nightly policy that keeps Secrets, encrypted with the profile, into a folder.</summary>
    public static async Task<MetaBackupPolicy> CreatePolicyAsync(IKubernetes client, string folder, CancellationToken ct)
    {
        var policy = new MetaBackupPolicy { Metadata = new V1ObjectMeta { Name = PolicyName, NamespaceProperty = Namespace } };
        policy.Spec.Schedule = "0 3 * * *";
        policy.Spec.TimeZone = "Europe/Berlin";
        policy.Spec.IncludeSecrets = true;
        policy.Spec.EncryptionProfileRef = new LocalObjectReference { Name = ProfileName };
        policy.Spec.Sources = [new BackupSource { Name = "app", Kubernetes = new KubernetesSource { Resources = ["configmaps", "secrets"] } }];
        policy.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = folder } };
        policy.Spec.Retention = new RetentionSpec { KeepLast = 7 };
        await CreateAsync(client, policy, ApiGroup.MetaBackupPolicyPlural, ct).ConfigureAwait(false);
        return policy;
    }

    private static Task SecretAsync(IKubernetes client, string name, Dictionary<string, string> values, CancellationToken ct) =>
        client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = name }, StringData = values }, Namespace, cancellationToken: ct);

    private static Task CreateAsync<T>(IKubernetes client, T entity, string plural, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta> =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync(entity, ApiGroup.Group, ApiGroup.Version, Namespace, plural, cancellationToken: ct);
}
