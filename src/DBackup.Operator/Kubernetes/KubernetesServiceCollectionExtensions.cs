using DBackup.Operator.Runtime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Kubernetes;

/// <summary>Registers the controller runtime and the controllers of the operator.</summary>
public static class KubernetesServiceCollectionExtensions
{
    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>
    /// Registers <see cref="IKubernetes"/> (from a kubeconfig file, the in-cluster service account, or the default
    /// kubeconfig, in that order), <see cref="CustomResourceClient"/>, <see cref="StatusWriter"/>,
    /// <see cref="TimeProvider"/> and the <see cref="LeaderElectionService"/> that runs every controller added with
    /// <see cref="AddReconciler{TEntity, TReconciler}"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts kubeconfig, leader election and controller defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddDBackupRuntime(this IServiceCollection services, Action<DBackupRuntimeOptions>? configure = null)
    {
        var options = new DBackupRuntimeOptions { LeaderElection = new LeaderElectionOptions { LeaseNamespace = OperatorNamespace() } };
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton(options.LeaderElection);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IKubernetes>(_ => new k8s.Kubernetes(ClientConfiguration(options.KubeconfigPath)));
        services.TryAddSingleton<CustomResourceClient>();
        services.TryAddSingleton<StatusWriter>();
        services.AddHostedService<LeaderElectionService>();
        return services;
    }

    /// <summary>
    /// Adds a controller for <typeparamref name="TEntity"/> driven by <typeparamref name="TReconciler"/> (a singleton;
    /// a <typeparamref name="TReconciler"/> instance registered earlier wins). A kind may have several controllers,
    /// each with its own informer and queue, so one (a restore drill) never waits for another (a backup).
    /// </summary>
    /// <typeparam name="TEntity">The custom resource type, with a <see cref="KubernetesEntityAttribute"/>.</typeparam>
    /// <typeparam name="TReconciler">Its reconciler.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes this controller's settings, starting from <see cref="DBackupRuntimeOptions.Controllers"/>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddReconciler<TEntity, TReconciler>(this IServiceCollection services, Func<ControllerOptions, ControllerOptions>? configure = null)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IReconciler<TEntity>
    {
        services.TryAddSingleton<TReconciler>();
        services.AddSingleton<IControllerLoop>(sp =>
        {
            var defaults = sp.GetRequiredService<DBackupRuntimeOptions>().Controllers;
            return new ControllerLoop<TEntity>(
                sp.GetRequiredService<CustomResourceClient>(),
                sp.GetRequiredService<TReconciler>(),
                configure?.Invoke(defaults) ?? defaults,
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }

    /// <summary>The client configuration: an explicit kubeconfig, else in-cluster, else the default kubeconfig.</summary>
    /// <param name="kubeconfigPath">A kubeconfig file, or null.</param>
    public static KubernetesClientConfiguration ClientConfiguration(string? kubeconfigPath) =>
        kubeconfigPath is not null ? KubeconfigFile.Load(kubeconfigPath)
        : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
        : KubeconfigFile.LoadDefault();

    /// <summary>The namespace the operator runs in: <c>POD_NAMESPACE</c>, the service account's namespace, or <c>default</c>.</summary>
    public static string OperatorNamespace()
    {
        if (Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        try
        {
            return File.Exists(ServiceAccountNamespaceFile) ? File.ReadAllText(ServiceAccountNamespaceFile).Trim() : "default";
        }
        catch (IOException)
        {
            // Unreadable mount: outside a pod the default namespace is the sensible home for the lease.
            return "default";
        }
    }
}

/// <summary>Settings of the controller runtime.</summary>
public sealed class DBackupRuntimeOptions
{
    /// <summary>Kubeconfig file; null for in-cluster or the default kubeconfig.</summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>Leader election (on by default, lease <c>dbackup-operator-leader</c> in the operator's namespace).</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>Defaults for every controller (workers, resync, informer settings).</summary>
    public ControllerOptions Controllers { get; set; } = new();
}
