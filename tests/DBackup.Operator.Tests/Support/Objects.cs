using DBackup.Operator.Entities;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Support;

/// <summary>Direct API calls for arranging test state (as another client would), typed through KubernetesClient.</summary>
internal static class Objects
{
    public static async Task<EncryptionProfileRef> CreateAsync(IKubernetes client, string ns, EncryptionProfileRef profile)
    {
        profile.Metadata.NamespaceProperty = ns;
        return await client.CustomObjects.CreateNamespacedCustomObjectAsync<EncryptionProfileRef>(profile, ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.EncryptionProfileRefPlural);
    }

    public static Task<EncryptionProfileRef> GetAsync(IKubernetes client, string ns, string name) =>
        client.CustomObjects.GetNamespacedCustomObjectAsync<EncryptionProfileRef>(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.EncryptionProfileRefPlural, name);

    /// <summary>Merge-patches the object (spec, metadata) as a user's kubectl would.</summary>
    public static Task<EncryptionProfileRef> PatchAsync(IKubernetes client, string ns, string name, string mergePatchJson) =>
        client.CustomObjects.PatchNamespacedCustomObjectAsync<EncryptionProfileRef>(
            new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.EncryptionProfileRefPlural, name);

    /// <summary>Merge-patches the status subresource, as another writer would.</summary>
    public static Task<EncryptionProfileRef> PatchStatusAsync(IKubernetes client, string ns, string name, string mergePatchJson) =>
        client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<EncryptionProfileRef>(
            new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.EncryptionProfileRefPlural, name);

    public static Task DeleteAsync(IKubernetes client, string ns, string name) =>
        client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.EncryptionProfileRefPlural, name);

    public static async Task<bool> ExistsAsync(IKubernetes client, string ns, string name)
    {
        try
        {
            await GetAsync(client, ns, name);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
