namespace DBackup.Operator.Controllers;

/// <summary>
/// The operator-wide limit on backups running at once, so fifty policies scheduled at 03:00 do not
/// open fifty LIST streams and uploads together. One run per policy is already guaranteed by the work
/// queue (one reconcile per key at a time).
/// </summary>
/// <param name="maxConcurrent">How many backups may run at once.</param>
public sealed class BackupSlots(int maxConcurrent = BackupSlots.DefaultMaxConcurrent) : IDisposable
{
    /// <summary>Default limit.</summary>
    public const int DefaultMaxConcurrent = 2;

    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);

    /// <summary>Waits for a free slot; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_slots);
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
