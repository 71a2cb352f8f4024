using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Runtime;

/// <summary>A controller the leader election service starts and stops.</summary>
public interface IControllerLoop
{
    /// <summary>Name for logs, e.g. the kind.</summary>
    string Name { get; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, then returns.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The controller for one kind: a <see cref="ResourceInformer{T}"/> feeds keys into a <see cref="WorkQueue{TKey}"/>,
/// and workers reconcile the latest cached object. When the reconciler names a <see cref="IReconciler{T}.Finalizer"/>,
/// it is added before the first reconcile; once the object is being deleted, <see cref="IReconciler{T}.FinalizeAsync"/>
/// runs and the finalizer is removed only after it succeeded. Finalizers of <see cref="ControllerOptions.RetiredFinalizers"/>
/// that the reconciler does not use (put there by earlier versions) are removed, so upgrades unblock deletions. Failures are logged and retried with per-key backoff; every cached key is
/// re-enqueued each <see cref="ControllerOptions.ResyncPeriod"/>.
/// </summary>
/// <typeparam name="T">The custom resource type.</typeparam>
/// <param name="client">The custom resource client.</param>
/// <param name="reconciler">The domain logic.</param>
/// <param name="options">Workers, resync, finalizer and informer settings.</param>
/// <param name="loggers">Creates the loop's and the informer's loggers.</param>
/// <param name="time">Clock for requeues, backoff and resync; <see cref="TimeProvider.System"/> when null.</param>
public sealed class ControllerLoop<T>(CustomResourceClient client, IReconciler<T> reconciler, ControllerOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    : IControllerLoop
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ILogger _logger = loggers.CreateLogger<ControllerLoop<T>>();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly string _kind = EntityType.Of<T>().Kind;

    /// <inheritdoc />
    public string Name => _kind;

    /// <summary>The informer of the current run (null before the first); for diagnostics and tests.</summary>
    public ResourceInformer<T>? Informer { get; private set; }

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Fresh state per run: after leadership moves back here, nothing stale from the last term is reused.
        using var queue = new WorkQueue<ResourceKey>(_time, options.BackoffBase, options.BackoffMax);
        var informer = new ResourceInformer<T>(client, options.Informer, loggers.CreateLogger<ResourceInformer<T>>());
        Informer = informer;
        _logger.LogInformation("Starting controller for {Kind} with {Workers} workers", _kind, options.Workers);

        var informerRun = informer.RunAsync(queue.Add, cancellationToken);
        var workers = Enumerable.Range(0, Math.Max(1, options.Workers))
            .Select(_ => Task.Run(() => WorkAsync(queue, informer, cancellationToken), CancellationToken.None))
            .ToList();
        using var resync = _time.CreateTimer(_ => Resync(queue, informer), null, options.ResyncPeriod, options.ResyncPeriod);
        try
        {
            await informerRun.ConfigureAwait(false);
        }
        finally
        {
            queue.ShutDown();
            await Task.WhenAll(workers).ConfigureAwait(false);
            _logger.LogInformation("Stopped controller for {Kind}", _kind);
        }
    }

    private static void Resync(WorkQueue<ResourceKey> queue, ResourceInformer<T> informer)
    {
        foreach (var key in informer.Keys)
        {
            queue.Add(key);
        }
    }

    private async Task WorkAsync(WorkQueue<ResourceKey> queue, ResourceInformer<T> informer, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ResourceKey key;
            try
            {
                (var ok, key) = await queue.GetAsync(cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var result = await ProcessAsync(informer, key, cancellationToken).ConfigureAwait(false);
                if (result.RetryReason is { } reason)
                {
                    var delay = queue.AddRateLimited(key);
                    _logger.LogInformation("{Kind} {Namespace}/{Name} asked for a retry in {Delay}: {Reason}", _kind, key.Namespace, key.Name, delay, reason);
                }
                else
                {
                    queue.Forget(key);
                    if (result.Delay is { } after)
                    {
                        queue.AddAfter(key, after);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Never swallowed: logged with the object, and retried with growing delays until it succeeds.
                var delay = queue.AddRateLimited(key);
                _logger.LogError(e, "Reconciling {Kind} {Namespace}/{Name} failed (attempt {Attempt}); retrying in {Delay}", _kind, key.Namespace, key.Name, queue.Failures(key), delay);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    private async Task<ReconcileResult> ProcessAsync(ResourceInformer<T> informer, ResourceKey key, CancellationToken cancellationToken)
    {
        if (!informer.TryGet(key, out var cached))
        {
            // Deleted (and finalized) since it was queued: nothing left to do.
            return ReconcileResult.Done;
        }

        // Reconcilers get their own copy (the cached object is shared with the informer), read fresh when the
        // cache has not yet seen our own last write to it.
        T entity;
        if (client.IsOlderThanOwnWrite(cached))
        {
            var fresh = await client.GetAsync<T>(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
            if (fresh is null)
            {
                return ReconcileResult.Done;
            }

            entity = fresh;
        }
        else
        {
            entity = CustomResourceClient.DeepCopy(cached);
        }

        using var scope = _logger.BeginScope("Reconciling {Kind} {Namespace}/{Name}", _kind, key.Namespace, key.Name);
        var finalizer = reconciler.Finalizer;
        foreach (var retired in options.RetiredFinalizers.Where(f => f != finalizer && entity.HasFinalizer(f)).ToList())
        {
            _logger.LogInformation("Removing the finalizer {Finalizer} from {Kind} {Namespace}/{Name}: nothing needs cleaning up", retired, _kind, key.Namespace, key.Name);
            var stored = await client.RemoveFinalizerAsync(entity, retired, cancellationToken).ConfigureAwait(false);
            if (stored is null || stored.Metadata.DeletionTimestamp is not null && (finalizer is null || !stored.HasFinalizer(finalizer)))
            {
                return ReconcileResult.Done;
            }

            entity = stored;
        }

        if (entity.Metadata.DeletionTimestamp is not null)
        {
            if (finalizer is null || !entity.HasFinalizer(finalizer))
            {
                return ReconcileResult.Done;
            }

            _logger.LogInformation("Finalizing {Kind} {Namespace}/{Name}", _kind, key.Namespace, key.Name);
            await reconciler.FinalizeAsync(entity, cancellationToken).ConfigureAwait(false);
            await client.RemoveFinalizerAsync(entity, finalizer, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (finalizer is not null && !entity.HasFinalizer(finalizer))
        {
            var stored = await client.AddFinalizerAsync(entity, finalizer, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return ReconcileResult.Done;
            }

            entity = stored;
        }

        _logger.LogDebug("Reconciling {Kind} {Namespace}/{Name} at generation {Generation}", _kind, key.Namespace, key.Name, entity.Metadata.Generation);
        return await reconciler.ReconcileAsync(entity, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Settings of a <see cref="ControllerLoop{T}"/>.</summary>
public sealed record ControllerOptions
{
    /// <summary>Concurrent reconciles (of different objects; one object is never reconciled twice at once).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>How often every cached object is reconciled again, changed or not.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Finalizers this operator once put on every object and no longer needs: removed from objects whose reconciler
    /// does not use them, so objects created by an earlier version can be deleted without the operator.
    /// </summary>
    public IReadOnlyList<string> RetiredFinalizers { get; init; } = [Finalizers.Cleanup];

    /// <summary>First retry delay after a failed reconcile.</summary>
    public TimeSpan BackoffBase { get; init; } = Backoff.ReconcileBase;

    /// <summary>Longest retry delay after failed reconciles.</summary>
    public TimeSpan BackoffMax { get; init; } = Backoff.ReconcileMax;

    /// <summary>List and watch settings (namespace, page size, watch timeout).</summary>
    public InformerOptions Informer { get; init; } = new();
}
