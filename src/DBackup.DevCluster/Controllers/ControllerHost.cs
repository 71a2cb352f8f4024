using DBackup.DevCluster.Http;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Controllers;

/// <summary>
/// Runs the emulated kube-controller-manager/apiextensions controllers on one background loop that
/// follows every change in the store, in revision order: namespace defaults and termination,
/// garbage collection, CRD establishment and cleanup.
/// </summary>
internal sealed class ControllerHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;
    private readonly Task _loop;
    private readonly NamespaceController _namespaces;
    private readonly GarbageCollector _gc;
    private readonly CrdController _crds;
    private long _processed;
    private long _pending;

    public ControllerHost(ApiObjects objects)
    {
        _namespaces = new NamespaceController(objects);
        _gc = new GarbageCollector(objects);
        _crds = new CrdController(objects);
        var (backlog, live, subscription) = objects.Server.Store.Watch(null, objects.Server.Store.CompactedRevision);
        _subscription = subscription;
        _loop = Task.Run(async () =>
        {
            foreach (var e in backlog) Handle(e);
            Flush();
            while (await live.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (live.TryRead(out var e)) Handle(e);
                Flush();
            }
        });
    }

    /// <summary>The revision of the last event every controller has seen.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    private void Handle(StoreEvent e)
    {
        foreach (var step in new Action<StoreEvent>[] { _crds.Handle, _namespaces.Handle, _gc.Handle })
        {
            Run(() => step(e));
        }
        Interlocked.Exchange(ref _pending, e.Revision);
    }

    // Batched work runs once the channel is drained; only then is the batch's last revision "processed".
    private void Flush()
    {
        Run(_crds.Flush);
        Run(_namespaces.Flush);
        Interlocked.Exchange(ref _processed, Interlocked.Read(ref _pending));
    }

    private static void Run(Action step) => ControllerRetry.Run(step);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _subscription.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected way out of the loop.
        }
        _stop.Dispose();
    }
}

/// <summary>How controllers survive races with client writes.</summary>
internal static class ControllerRetry
{
    /// <summary>Runs <paramref name="step"/>, redoing it after a 409 and giving up quietly on other API errors.</summary>
    public static void Run(Action step)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                step();
                return;
            }
            catch (ApiException ex) when (ex.Code == 409)
            {
                // Lost a race with a client write: redo the step against the newer state.
            }
            catch (ApiException)
            {
                // The object went away or became invalid meanwhile; a later event reconciles again.
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                // An object the controllers cannot interpret must not stop the loop that serves every other one.
                return;
            }
        }
    }
}
