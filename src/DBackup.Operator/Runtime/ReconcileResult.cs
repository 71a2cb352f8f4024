namespace DBackup.Operator.Runtime;

/// <summary>What a reconcile asks the controller to do next with its key.</summary>
/// <remarks>
/// A thrown exception is also an answer: it is logged and the key is retried with per-key exponential
/// backoff (1 s doubling up to 5 min). <see cref="Retry"/> does the same without an exception, for
/// expected transient failures the reconciler has already recorded in status.
/// </remarks>
public sealed record ReconcileResult
{
    private ReconcileResult(TimeSpan? requeueAfter, string? retryReason)
    {
        Delay = requeueAfter;
        RetryReason = retryReason;
    }

    /// <summary>Nothing more to do until the object changes (or the periodic resync).</summary>
    public static ReconcileResult Done { get; } = new(null, null);

    /// <summary>Reconcile again after this delay (a schedule's next run, say); a delay of zero or less means now.</summary>
    public TimeSpan? Delay { get; }

    /// <summary>Why the reconcile asked to be retried with backoff; null when it did not.</summary>
    public string? RetryReason { get; }

    /// <summary>Asks for another reconcile of the same key after <paramref name="delay"/>; the backoff is reset.</summary>
    /// <param name="delay">How long to wait, measured on the controller's <see cref="TimeProvider"/>.</param>
    public static ReconcileResult RequeueAfter(TimeSpan delay) => new(delay, null);

    /// <summary>Asks for a retry with the key's exponential backoff, as a thrown exception would, but quietly.</summary>
    /// <param name="reason">Logged with the retry.</param>
    public static ReconcileResult Retry(string reason) => new(null, reason);
}
