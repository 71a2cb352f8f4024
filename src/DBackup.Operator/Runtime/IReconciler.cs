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
/// the periodic resync. Finalizers are opt-in: only a reconciler with real cleanup names one in
/// <see cref="Finalizer"/>; it is then on the object when <see cref="ReconcileAsync"/> runs. Without one, deleting
/// an object never waits for the operator (so uninstalling the operator first cannot leave deletions hanging).
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
    /// The finalizer that keeps an object until <see cref="FinalizeAsync"/> succeeded, or null (the default) when
    /// deleting an object needs no cleanup by the operator.
    /// </summary>
    string? Finalizer => null;

    /// <summary>
    /// Cleans up before the object goes away; runs only when <see cref="Finalizer"/> is set. The finalizer is
    /// removed only after this returns; throw to keep the object (it is retried with backoff).
    /// </summary>
    /// <param name="entity">The object, with a deletion timestamp.</param>
    /// <param name="cancellationToken">Cancelled when the controller stops.</param>
    Task FinalizeAsync(T entity, CancellationToken cancellationToken) => Task.CompletedTask;
}
