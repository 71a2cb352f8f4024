namespace DBackup.DevCluster;

/// <summary>Settings for <see cref="DevCluster.StartAsync"/>. Every property has a working default.</summary>
public sealed record DevClusterOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Where to write the kubeconfig; null writes a temporary file that is deleted on dispose.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>
    /// How many changes (all resources together) stay in the history. Older revisions are compacted:
    /// watching from them or continuing a list taken at them answers 410 Gone, as after an etcd compaction.
    /// </summary>
    public int HistoryWindow { get; init; } = 10_000;

    /// <summary>Changes older than this are compacted too, whatever the window size.</summary>
    public TimeSpan HistoryRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a watch with allowWatchBookmarks=true receives a BOOKMARK (the real server: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The version /version reports (kube-apiserver 1.32 behaviour is emulated).</summary>
    public string KubernetesVersion { get; init; } = "v1.32.0";

    /// <summary>Clock for timestamps and history retention; tests may pass a fake.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
