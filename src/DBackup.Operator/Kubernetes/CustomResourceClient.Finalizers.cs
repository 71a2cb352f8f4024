using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace DBackup.Operator.Kubernetes;

/// <summary>Adding and removing finalizers without losing anyone else's.</summary>
public sealed partial class CustomResourceClient
{
    private const int FinalizerAttempts = 5;

    /// <summary>
    /// Adds <paramref name="finalizer"/> unless present. On a conflict the object is read again and the change
    /// re-applied, so finalizers others added meanwhile are kept.
    /// </summary>
    /// <returns>The stored object, or null when it no longer exists.</returns>
    /// <exception cref="HttpOperationException">Still conflicting after 5 attempts, or another API error.</exception>
    public Task<T?> AddFinalizerAsync<T>(T entity, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        ChangeFinalizersAsync(entity, finalizer, add: true, cancellationToken);

    /// <summary>Removes <paramref name="finalizer"/> if present, with the same conflict handling as <see cref="AddFinalizerAsync{T}"/>.</summary>
    /// <returns>The stored object, or null when it no longer exists (removing the last finalizer lets a deleted object go).</returns>
    /// <exception cref="HttpOperationException">Still conflicting after 5 attempts, or another API error.</exception>
    public Task<T?> RemoveFinalizerAsync<T>(T entity, string finalizer, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        ChangeFinalizersAsync(entity, finalizer, add: false, cancellationToken);

    private async Task<T?> ChangeFinalizersAsync<T>(T entity, string finalizer, bool add, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(entity);
        T? current = entity;
        for (var attempt = 1; ; attempt++)
        {
            var finalizers = current.Metadata.Finalizers?.ToList() ?? [];
            if (finalizers.Contains(finalizer) == add)
            {
                return current;
            }

            if (add)
            {
                finalizers.Add(finalizer);
            }
            else
            {
                finalizers.RemoveAll(f => f == finalizer);
            }

            try
            {
                return await PatchFinalizersAsync(current, finalizers, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < FinalizerAttempts)
            {
                current = await GetAsync<T>(entity.Metadata.NamespaceProperty, entity.Metadata.Name, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return null;
                }
            }
        }
    }
}
