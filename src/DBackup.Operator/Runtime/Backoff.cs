namespace DBackup.Operator.Runtime;

/// <summary>Delays for retries: per-key reconcile backoff and watch reconnects.</summary>
public static class Backoff
{
    /// <summary>First reconcile retry delay.</summary>
    public static readonly TimeSpan ReconcileBase = TimeSpan.FromSeconds(1);

    /// <summary>Longest reconcile retry delay.</summary>
    public static readonly TimeSpan ReconcileMax = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>baseDelay * 2^failures</c>, capped at <paramref name="max"/>: 1 s, 2 s, 4 s … 5 min with the defaults.
    /// </summary>
    /// <param name="failures">Failures before this one (0 for the first retry).</param>
    /// <param name="baseDelay">Delay of the first retry.</param>
    /// <param name="max">Upper bound.</param>
    public static TimeSpan Exponential(int failures, TimeSpan baseDelay, TimeSpan max)
    {
        // Past 2^30 the double would only overflow towards the cap anyway.
        var factor = Math.Pow(2, Math.Clamp(failures, 0, 30));
        var ticks = baseDelay.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// Watch reconnect delay after <paramref name="attempt"/> consecutive failures: <c>2^min(attempt,5)</c> seconds
    /// plus up to one second of jitter, so that many operators do not hammer a recovering API server in step.
    /// </summary>
    /// <param name="attempt">Consecutive failures so far (1 for the first).</param>
    /// <param name="unit">The unit of the exponential part; one second in production, smaller in tests.</param>
    public static TimeSpan Reconnect(int attempt, TimeSpan? unit = null)
    {
        var step = unit ?? TimeSpan.FromSeconds(1);
        var exponent = Math.Clamp(attempt, 0, 5);
        return TimeSpan.FromTicks(step.Ticks * (1L << exponent)) + TimeSpan.FromTicks(Random.Shared.NextInt64(step.Ticks));
    }
}
