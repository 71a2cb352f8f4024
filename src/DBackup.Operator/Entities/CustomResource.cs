using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Entities;

/// <summary>
/// Base of our custom resources: a Kubernetes object with a spec and a status. KubernetesClient has
/// no such base (KubeOps' <c>CustomKubernetesEntity</c> is not available here), so this fills the gap.
/// </summary>
/// <typeparam name="TSpec">Desired state.</typeparam>
/// <typeparam name="TStatus">Observed state, written only through the status subresource.</typeparam>
public abstract class CustomResource<TSpec, TStatus> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>, IStatus<TStatus>
    where TSpec : new()
    where TStatus : new()
{
    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <inheritdoc />
    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();

    /// <inheritdoc />
    [JsonPropertyName("status")]
    public TStatus Status { get; set; } = new();

    /// <summary><c>namespace/name</c>, for log lines.</summary>
    public override string ToString() => $"{Kind} {Metadata.NamespaceProperty}/{Metadata.Name}";
}

/// <summary>A reference to an object by name in the same namespace.</summary>
public sealed class LocalObjectReference
{
    /// <summary>Name of the referenced object.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;
}

/// <summary>A key in a Secret of the same namespace.</summary>
public sealed class SecretKeyReference
{
    /// <summary>Name of the Secret.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Key within the Secret's data.</summary>
    [JsonPropertyName("key")]
    public string Key { get; set; } = "key";
}
