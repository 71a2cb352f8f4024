using System.Net;
using System.Reflection;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Writes the status subresource under optimistic concurrency, like CNPG's
/// <c>PatchConditionsWithOptimisticLock</c>: mutate a copy, skip the write when nothing changed, otherwise
/// PUT <c>/status</c> with the read resourceVersion, and on a 409 read again, mutate again and retry.
/// </summary>
/// <param name="client">The custom resource client.</param>
/// <param name="logger">Logs conflicts.</param>
public sealed class StatusWriter(CustomResourceClient client, ILogger<StatusWriter> logger)
{
    /// <summary>Attempts before a conflict is given up and thrown.</summary>
    public const int MaxAttempts = 5;

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of <paramref name="entity"/>'s status, sets
    /// <c>observedGeneration</c> to <paramref name="entity"/>'s generation and writes the status if anything changed.
    /// </summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <typeparam name="TStatus">Its status type; name it in the lambda: <c>(MetaBackupPolicyStatus s) =&gt; …</c>.</typeparam>
    /// <param name="entity">The object as last read; it is not modified.</param>
    /// <param name="mutate">
    /// Changes the status and returns whether it wants a write. It may run more than once (after conflicts),
    /// each time on the latest stored status, so it must compute from its inputs, not accumulate.
    /// </param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The stored object (the input itself when no write was needed).</returns>
    /// <exception cref="HttpOperationException">Still conflicting after <see cref="MaxAttempts"/>, the object is gone, or another API error.</exception>
    public async Task<T> UpdateAsync<T, TStatus>(T entity, Func<TStatus, bool> mutate, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>, IStatus<TStatus>
        where TStatus : class, new()
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(mutate);
        var current = entity;

        // The generation the caller reconciled, even when a retry reads a newer one: claiming to have observed a
        // spec the reconcile never saw would let `kubectl wait` and GitOps health checks trust stale conditions.
        var observed = entity.Metadata.Generation;
        for (var attempt = 1; ; attempt++)
        {
            var copy = CustomResourceClient.DeepCopy(current);
            copy.Status ??= new TStatus();
            var before = KubernetesJson.Serialize(copy.Status);
            var wanted = mutate(copy.Status);
            ObservedGeneration<TStatus>.Set(copy.Status, observed);
            if (!wanted && KubernetesJson.Serialize(copy.Status) == before)
            {
                return current;
            }

            try
            {
                return await client.ReplaceStatusAsync(copy, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                logger.LogDebug("Status conflict on {Kind} {Namespace}/{Name} (attempt {Attempt}); reading it again", copy.Kind, copy.Metadata.NamespaceProperty, copy.Metadata.Name, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken).ConfigureAwait(false);
                current = await client.GetAsync<T>(copy.Metadata.NamespaceProperty, copy.Metadata.Name, cancellationToken).ConfigureAwait(false)
                    ?? throw new HttpOperationException($"{copy.Kind} {copy.Metadata.NamespaceProperty}/{copy.Metadata.Name} was deleted while its status was being written.")
                    {
                        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.NotFound), string.Empty),
                    };
            }
        }
    }

    /// <summary>Sets <c>ObservedGeneration</c> on any status class that has it (all of ours do), found once by reflection.</summary>
    private static class ObservedGeneration<TStatus>
    {
        private static readonly PropertyInfo? Property = typeof(TStatus).GetProperty("ObservedGeneration", typeof(long?));

        public static void Set(TStatus status, long? generation)
        {
            if (Property is not null && generation is not null)
            {
                Property.SetValue(status, generation);
            }
        }
    }
}
