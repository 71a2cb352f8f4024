using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Resources;

/// <summary>The shared state every handler and controller works on.</summary>
internal sealed class ServerContext(DevClusterOptions options)
{
    private int _nextIp = 10;

    public DevClusterOptions Options { get; } = options;
    public TimeProvider Time => Options.TimeProvider;
    public ObjectStore Store { get; } = new(options.HistoryWindow, options.HistoryRetention, options.TimeProvider);
    /// <summary>Cancelled when the cluster shuts down, so open watches end instead of holding the shutdown.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    public ResourceRegistry Registry { get; } = new(BuiltInResources.All().Concat(Reviews.All()));

    /// <summary>Allocates a Service clusterIP from 10.96.0.0/12, the kubeadm default range.</summary>
    public string AllocateClusterIp()
    {
        var n = Interlocked.Increment(ref _nextIp);
        return $"10.96.{n / 250}.{n % 250 + 1}";
    }

    public string Now() => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
