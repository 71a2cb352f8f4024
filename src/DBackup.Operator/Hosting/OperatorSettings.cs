namespace DBackup.Operator.Hosting;

/// <summary>Settings of <c>dbackup operator</c>, from its command line (the chart sets them as arguments).</summary>
public sealed record OperatorSettings
{
    /// <summary>Kubeconfig file; null for in-cluster (or the default kubeconfig).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Folder for the SQLite history and temporary files (the operator's volume).</summary>
    public required string DataDir { get; init; }

    /// <summary>Whether to take the leader lease before reconciling (on in the chart).</summary>
    public bool LeaderElect { get; init; }

    /// <summary>Port of /healthz, /readyz and /metrics; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Address to listen on.</summary>
    public string ListenAddress { get; init; } = "0.0.0.0";

    /// <summary>Namespaces whose policies may read other namespaces and cluster-scoped resources; default: the operator's own.</summary>
    public IReadOnlyList<string> AdminNamespaces { get; init; } = [];

    /// <summary><c>json</c> (compact JSON, for clusters) or <c>text</c> (readable, for terminals); null chooses by environment.</summary>
    public string? LogFormat { get; init; }

    /// <summary>Backups allowed to run at once across all policies.</summary>
    public int MaxConcurrentBackups { get; init; } = Controllers.BackupSlots.DefaultMaxConcurrent;

    /// <summary>Name of the cluster recorded in backups' manifests.</summary>
    public string? ClusterName { get; init; }
}
