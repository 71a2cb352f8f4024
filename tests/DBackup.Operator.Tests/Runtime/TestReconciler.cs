using System.Collections.Concurrent;
using DBackup.Operator.Entities;
using DBackup.Operator.Runtime;

namespace DBackup.Operator.Tests.Runtime;

/// <summary>A scriptable reconciler that records what the controller loop asked of it.</summary>
internal sealed class TestReconciler : IReconciler<EncryptionProfileRef>
{
    private int _reconciles;
    private int _finalizes;

    /// <summary>Decides each reconcile's outcome (may throw); <see cref="ReconcileResult.Done"/> by default.</summary>
    public Func<EncryptionProfileRef, int, Task<ReconcileResult>> OnReconcile { get; set; } = (_, _) => Task.FromResult(ReconcileResult.Done);

    /// <summary>Runs in FinalizeAsync; may block or throw.</summary>
    public Func<EncryptionProfileRef, int, Task> OnFinalize { get; set; } = (_, _) => Task.CompletedTask;

    public ConcurrentQueue<EncryptionProfileRef> Reconciled { get; } = new();

    /// <summary>The finalizer it asks for; the loop's cleanup tests use the operator's, null means none.</summary>
    public string? Finalizer { get; init; } = Finalizers.Cleanup;

    public int Reconciles => Volatile.Read(ref _reconciles);

    public int Finalizes => Volatile.Read(ref _finalizes);

    public Task<ReconcileResult> ReconcileAsync(EncryptionProfileRef entity, CancellationToken cancellationToken)
    {
        Reconciled.Enqueue(entity);
        return OnReconcile(entity, Interlocked.Increment(ref _reconciles));
    }

    public Task FinalizeAsync(EncryptionProfileRef entity, CancellationToken cancellationToken) =>
        OnFinalize(entity, Interlocked.Increment(ref _finalizes));
}
