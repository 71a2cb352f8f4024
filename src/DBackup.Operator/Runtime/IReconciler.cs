using k8s;
using k8s.Models;

namespace DBackup.Operator.Runtime;

/// <summary>
/// The domain logic for one kind. The controller loop calls it with the latest cached copy of an object
/// (a copy: mutate it freely), never concurrently for the same object.
/// </summary>
/// <typeparam name="T">The custom resource type.</typeparam>
/// <remarks>
/// Reconcile must be idempotent: it runs after every spec or annotation change, after restarts, and on
/// the periodic resync. The finalizer is already on the object when <see cref="ReconcileAsync"/> runs.
/// Write status through <see cref="Kubernetes.StatusWriter"/>.
/// </remarks>
public interface IReconciler<in T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Brings the world in line with <paramref name="entity"/>'s spec.</summary>
    /// <param name="entity">The object, not being deleted.</param>
    /// <param name="cancellationToken">Cancelled when the controller stops (lost leadership, shutdown).</param>
    /// <returns>Whether and when to reconcile again.</returns>
    Task<ReconcileResult> ReconcileAsync(T entity, CancellationToken cancellationToken);

    /// <summary>
    /// Cleans up before the object goes away. The finalizer is removed only after this returns; throw to
    /// keep the object (it is retried with backoff).
    /// </summary>
    /// <param name="entity">The object, with a deletion timestamp.</param>
    /// <param name="cancellationToken">Cancelled when the controller stops.</param>
    Task FinalizeAsync(T entity, CancellationToken cancellationToken);
}
