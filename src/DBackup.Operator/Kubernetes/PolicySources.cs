using DBackup.Operator.Entities;

namespace DBackup.Operator.Kubernetes;

/// <summary>A policy or restore asks for more than its namespace may have.</summary>
public sealed class TenancyException(string message) : Exception(message);

/// <summary>
/// Turns a MetaBackupPolicy's sources into collection sources, enforcing the tenancy rule of the
/// security model: outside the operator's admin namespaces a policy reads only its own namespace and
/// no cluster-scoped resources — otherwise anyone allowed to create a policy could copy another team's
/// Secrets out under a key of their own.
/// </summary>
public static class PolicySources
{
    /// <summary>Maps and checks the sources of <paramref name="policy"/>.</summary>
    /// <param name="policy">The policy (its namespace is the tenant).</param>
    /// <param name="adminNamespaces">The operator's admin namespaces.</param>
    /// <exception cref="TenancyException">A source names another namespace or a namespace selector outside an admin namespace.</exception>
    public static IReadOnlyList<CollectionSource> From(MetaBackupPolicy policy, IReadOnlyCollection<string> adminNamespaces)
    {
        var own = policy.Metadata.NamespaceProperty ?? "default";
        var admin = adminNamespaces.Contains(own);
        var sources = new List<CollectionSource>();
        foreach (var source in policy.Spec.Sources)
        {
            var kube = source.Kubernetes ?? throw new ArgumentException($"source '{source.Name}' has no kind: set kubernetes");
            var namespaces = kube.Namespaces ?? [];
            if (!admin)
            {
                var foreign = namespaces.Where(n => n != own).ToList();
                if (foreign.Count > 0)
                {
                    throw new TenancyException($"source '{source.Name}' reads namespace(s) {string.Join(", ", foreign)}; a policy in '{own}' may only read its own namespace (admin namespaces: {string.Join(", ", adminNamespaces)})");
                }

                if (kube.NamespaceSelector is not null)
                {
                    throw new TenancyException($"source '{source.Name}' uses namespaceSelector, which only policies in admin namespaces ({string.Join(", ", adminNamespaces)}) may use");
                }

                namespaces = [own];
            }
            else if (namespaces.Count == 0 && kube.NamespaceSelector is null)
            {
                // An admin policy without namespaces reads its own namespace too; all namespaces need an explicit selector.
                namespaces = [own];
            }

            sources.Add(new CollectionSource
            {
                Component = source.Name,
                Resources = kube.Resources,
                Namespaces = namespaces,
                NamespaceSelector = kube.NamespaceSelector,
                LabelSelector = kube.LabelSelector,
                ExcludeResources = kube.ExcludeResources ?? [],
                IncludeControllerOwned = kube.IncludeControllerOwned ?? false,
                AllowClusterScoped = admin,
            });
        }

        return sources;
    }
}
