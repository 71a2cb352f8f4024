using System.Text;
using DBackup.Operator.Entities;
using DBackup.Pipeline.Encryption;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Demo;

/// <summary>
/// The demo's cluster content (after <see cref="Crds.EmbeddedCrds"/>): an application namespace with ConfigMaps
/// and Secrets, and, in the operator's admin namespace, the key Secret with its EncryptionProfileRef, a policy
/// that backs the application up and a restore that clones it into a second namespace.
/// </summary>
/// <remarks>
/// The policy and the restore live in the admin namespace, as a platform team's would: reading one namespace
/// and writing another is what only admin namespaces may do. The key stays there too, so the application's
/// backup never holds the key that opens it.
/// </remarks>
internal static class DemoWorld
{
    public const string Namespace = "shop";
    public const string RestoreNamespace = "shop-restored";
    public const string AdminNamespace = "dbackup-system";
    public const string PolicyName = "shop-backup";
    public const string ProfileName = "demo-key";
    public const string RestoreName = "shop-clone";

    /// <summary>The application: ConfigMaps and Secrets. Returns (ConfigMaps, Secrets) created.</summary>
    public static async Task<(int ConfigMaps, int Secrets)> CreateApplicationAsync(IKubernetes client, CancellationToken ct)
    {
        await CreateNamespaceAsync(client, Namespace, ct).ConfigureAwait(false);
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
        return (configMaps.Count, 2);
    }

    /// <summary>Creates a namespace unless it exists (samples may have created it first).</summary>
    public static async Task CreateNamespaceAsync(IKubernetes client, string name, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Already there.
        }
    }

    /// <summary>Stores the key as kubectl would (<c>--from-file=key=backup.key</c>) and points a profile at it.</summary>
    public static async Task CreateProfileAsync(IKubernetes client, EncryptionKey key, CancellationToken ct)
    {
        await client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = ProfileName }, Data = new Dictionary<string, byte[]> { ["key"] = Encoding.UTF8.GetBytes(key.ToFileText()) } },
            AdminNamespace, cancellationToken: ct).ConfigureAwait(false);
        var profile = new EncryptionProfileRef { Metadata = new V1ObjectMeta { Name = ProfileName, NamespaceProperty = AdminNamespace } };
        profile.Spec.SecretRef = new SecretKeyReference { Name = ProfileName, Key = "key" };
        await CreateAsync(client, profile, ApiGroup.EncryptionProfileRefPlural, ct).ConfigureAwait(false);
    }

    /// <summary>A nightly policy in the admin namespace that keeps the application's Secrets, encrypted, in a folder.</summary>
    public static async Task<MetaBackupPolicy> CreatePolicyAsync(IKubernetes client, string folder, CancellationToken ct)
    {
        var policy = new MetaBackupPolicy { Metadata = new V1ObjectMeta { Name = PolicyName, NamespaceProperty = AdminNamespace } };
        policy.Spec.Schedule = "0 3 * * *";
        policy.Spec.TimeZone = "Europe/Berlin";
        policy.Spec.IncludeSecrets = true;
        policy.Spec.EncryptionProfileRef = new LocalObjectReference { Name = ProfileName };
        policy.Spec.Sources = [new BackupSource { Name = "app", Kubernetes = new KubernetesSource { Resources = ["configmaps", "secrets"], Namespaces = [Namespace] } }];
        policy.Spec.Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = folder } };
        policy.Spec.Retention = new RetentionSpec { KeepLast = 7 };
        await CreateAsync(client, policy, ApiGroup.MetaBackupPolicyPlural, ct).ConfigureAwait(false);
        return policy;
    }

    /// <summary>Asks the operator for one run now: every new value of <c>dbackup.io/run-now</c> runs the policy once.</summary>
    public static Task RunNowAsync(IKubernetes client, string value, CancellationToken ct)
    {
        var body = new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["annotations"] = new System.Text.Json.Nodes.JsonObject { [ApiGroup.RunNowAnnotation] = value } } };
        var patch = new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
        return client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.Version, AdminNamespace, ApiGroup.MetaBackupPolicyPlural, PolicyName, cancellationToken: ct);
    }

    /// <summary>A one-shot restore of one backup into <see cref="RestoreNamespace"/>, in Merge mode.</summary>
    public static async Task<MetaBackupRestore> CreateRestoreAsync(IKubernetes client, string backup, CancellationToken ct)
    {
        await CreateNamespaceAsync(client, RestoreNamespace, ct).ConfigureAwait(false);
        var restore = new MetaBackupRestore { Metadata = new V1ObjectMeta { Name = RestoreName, NamespaceProperty = AdminNamespace } };
        restore.Spec.PolicyRef = new LocalObjectReference { Name = PolicyName };
        restore.Spec.Backup = backup;
        restore.Spec.Mode = RestoreMode.Merge;
        restore.Spec.NamespaceMapping = new Dictionary<string, string> { [Namespace] = RestoreNamespace };
        await CreateAsync(client, restore, ApiGroup.MetaBackupRestorePlural, ct).ConfigureAwait(false);
        return restore;
    }

    private static Task SecretAsync(IKubernetes client, string name, Dictionary<string, string> values, CancellationToken ct) =>
        client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "shop" } }, StringData = values }, Namespace, cancellationToken: ct);

    private static Task CreateAsync<T>(IKubernetes client, T entity, string plural, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta> =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync(entity, ApiGroup.Group, ApiGroup.Version, entity.Metadata.NamespaceProperty, plural, cancellationToken: ct);
}
