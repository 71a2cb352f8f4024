namespace DBackup.Operator.Backups;

/// <summary>Settings of <see cref="PolicyBackupRunner"/>.</summary>
public sealed class PolicyBackupRunnerOptions
{
    /// <summary>Namespaces whose policies may read other namespaces and cluster-scoped resources (the security model's admin namespaces).</summary>
    public IReadOnlyCollection<string> AdminNamespaces { get; set; } = [];

    /// <summary>Folder for the pipeline's private spool directories (on the operator's data volume); the system temp folder when null.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>Cluster name recorded in each backup's manifest and meta.json; the API server URL when null.</summary>
    public string? ClusterName { get; set; }
}

/// <summary>How one run goes: its trigger and, for the CLI, what replaces the policy's destination and key.</summary>
public sealed record PolicyRunOptions
{
    /// <summary>What started the run (<see cref="Scheduling.BackupTriggers"/>).</summary>
    public required string Trigger { get; init; }

    /// <summary>The scheduled occurrence this run stands for (<c>status.lastScheduleTime</c>); null for manual runs.</summary>
    public DateTime? ScheduledTime { get; init; }

    /// <summary>The <c>dbackup.io/run-now</c> value this run acts on, echoed in the result for <c>status.lastRunNow</c>.</summary>
    public string? RunNowValue { get; init; }

    /// <summary>Writes here instead of the policy's destination (not disposed by the runner).</summary>
    public Pipeline.Storage.IBackupDestination? Destination { get; init; }

    /// <summary>Encrypts with these keys instead of the policy's EncryptionProfileRef.</summary>
    public Pipeline.Encryption.KeyRing? Keys { get; init; }

    /// <summary>
    /// Treats the policy's namespace as an admin namespace: for <c>dbackup backup</c>, where the caller's own RBAC,
    /// not the operator's tenancy rule, limits what can be read.
    /// </summary>
    public bool Admin { get; init; }
}
