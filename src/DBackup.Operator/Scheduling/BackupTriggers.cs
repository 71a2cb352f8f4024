namespace DBackup.Operator.Scheduling;

/// <summary>What started a backup run; recorded in the backup, its history row and <c>status.recentRuns</c>.</summary>
public static class BackupTriggers
{
    /// <summary>A scheduled occurrence, started on time.</summary>
    public const string Schedule = "schedule";

    /// <summary>A scheduled occurrence started late (the operator was down or busy); missed occurrences collapse into one such run.</summary>
    public const string CatchUp = "catch-up";

    /// <summary>A new value of the <c>dbackup.io/run-now</c> annotation.</summary>
    public const string Manual = "manual";

    /// <summary><c>dbackup backup --policy</c>.</summary>
    public const string Cli = "cli";
}
