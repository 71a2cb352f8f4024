using DBackup.Operator.Kubernetes;
using k8s;
using k8s.Exceptions;

namespace DBackup.Operator.Cli;

/// <summary>How the commands that talk to a cluster (<c>backup</c>, <c>restore</c>) read their kubeconfig.</summary>
internal static class ClusterConnection
{
    /// <summary>The client configuration from <paramref name="kubeconfig"/>, or the default lookup when null.</summary>
    /// <exception cref="CliException">The file is missing or unusable; the message says which.</exception>
    public static KubernetesClientConfiguration Connect(string? kubeconfig)
    {
        if (kubeconfig is not null && !File.Exists(kubeconfig))
        {
            throw new CliException($"{kubeconfig}: no such kubeconfig file");
        }

        try
        {
            return KubernetesServiceCollectionExtensions.ClientConfiguration(kubeconfig);
        }
        catch (KubeConfigException e)
        {
            throw new CliException($"cannot use the kubeconfig: {e.Message}");
        }
    }
}
