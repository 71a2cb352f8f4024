using System.Threading.Channels;

namespace DBackup.Operator.Runtime;

/// <summary>
/// A keyed work queue with client-go's guarantees: a key is queued at most once however often it is
/// added, a key is never handed to two workers at once, and a key added while it is being processed is
/// handed out again once <see cref="Done"/> is called. Delayed adds and per-key exponential backoff run
/// on an injected <see cref="TimeProvider"/>.
/// </summary>
/// <typeparam name="TKey">The key type, e.g. <see cref="ResourceKey"/>.</typeparam>
/// <remarks>
/// Protocol for a worker: <c>GetAsync</c>, work, then <see cref="Forget"/> on success or
/// <see cref="AddRateLimited"/> on failure, and always <see cref="Done"/>.
/// </remarks>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Channel<TKey> _ready = Channel.CreateUnbounded<TKey>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Dictionary<TKey, (DateTimeOffset Due, ITimer Timer, long Id)> _waiting = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private bool _shuttingDown;
    private long _timerIds;

    /// <summary>Creates an empty queue.</summary>
    /// <param name="time">Clock for delayed adds; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="baseDelay">First backoff delay; 1 s when null.</param>
    /// <param name="maxDelay">Backoff cap; 5 min when null.</param>
    public WorkQueue(TimeProvider? time = null, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        _time = time ?? TimeProvider.System;
        _baseDelay = baseDelay ?? Backoff.ReconcileBase;
        _maxDelay = maxDelay ?? Backoff.ReconcileMax;
    }

    /// <summary>Keys waiting to be handed out (not those being processed or waiting for a delay).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _dirty.Count - _dirty.Count(_processing.Contains);
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> unless it is already queued; ignored after <see cref="ShutDown"/>.</summary>
    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(key))
            {
                return;
            }

            // A key in flight is only marked dirty; Done hands it out again, so one key never runs twice at once.
            if (!_processing.Contains(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="key"/> after <paramref name="delay"/>. When the key is already waiting, the
    /// earlier of the two times wins.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            var id = ++_timerIds;
            var timer = _time.CreateTimer(_ => Fire(key, id), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _waiting[key] = (due, timer, id);

            // Armed after it is recorded, so a timer that fires at once finds its own entry.
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Queues <paramref name="key"/> after its backoff delay, and counts one more failure for it.</summary>
    /// <returns>The delay used.</returns>
    public TimeSpan AddRateLimited(TKey key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            delay = Backoff.Exponential(failures, _baseDelay, _maxDelay);
        }

        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Resets the backoff of <paramref name="key"/> (call after a successful reconcile).</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Failures counted for <paramref name="key"/> since it last succeeded.</summary>
    public int Failures(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Waits for the next key and marks it as being processed.</summary>
    /// <returns>The key, or <c>(false, default)</c> once the queue is shut down and drained.</returns>
    public async ValueTask<(bool Ok, TKey Key)> GetAsync(CancellationToken cancellationToken)
    {
        while (await _ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (_ready.Reader.TryRead(out var key))
                {
                    _processing.Add(key);
                    _dirty.Remove(key);
                    return (true, key);
                }
            }
        }

        return (false, default!);
    }

    /// <summary>Ends processing of <paramref name="key"/>; if it was added meanwhile, it is queued again.</summary>
    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shuttingDown)
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>Stops accepting keys, drops delayed ones and lets waiting <see cref="GetAsync"/> calls end.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            _shuttingDown = true;
            foreach (var (_, timer, _) in _waiting.Values)
            {
                timer.Dispose();
            }

            _waiting.Clear();
            _ready.Writer.TryComplete();
        }
    }

    /// <summary>Same as <see cref="ShutDown"/>.</summary>
    public void Dispose() => ShutDown();

    private void Fire(TKey key, long id)
    {
        lock (_gate)
        {
            // A replaced timer may still fire once on a real clock; only the current one counts.
            if (!_waiting.TryGetValue(key, out var entry) || entry.Id != id)
            {
                return;
            }

            _waiting.Remove(key);
            entry.Timer.Dispose();
        }

        Add(key);
    }
}
