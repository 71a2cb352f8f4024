using System.Globalization;
using Microsoft.Data.Sqlite;

namespace DBackup.Pipeline.History;

/// <summary>Column conversions between history rows and records.</summary>
internal static class HistoryRows
{
    /// <summary>UTC round-trip text; fixed width, so text order is time order.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string Status(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "running",
        ExecutionStatus.Succeeded => "succeeded",
        ExecutionStatus.PartiallyFailed => "partially_failed",
        ExecutionStatus.Failed => "failed",
        ExecutionStatus.Abandoned => "abandoned",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static BackupExecution Backup(SqliteDataReader row) => new()
    {
        Id = row.GetString(row.GetOrdinal("id")),
        Policy = row.GetString(row.GetOrdinal("policy")),
        Namespace = row.GetString(row.GetOrdinal("namespace")),
        Destination = row.GetString(row.GetOrdinal("destination")),
        BackupName = Text(row, "backup_name"),
        BackupPath = Text(row, "backup_path"),
        TriggeredBy = row.GetString(row.GetOrdinal("triggered_by")),
        StartedAt = ParseTime(row.GetString(row.GetOrdinal("started_at"))),
        CompletedAt = Text(row, "completed_at") is { } completed ? ParseTime(completed) : null,
        Status = ParseStatus(row.GetString(row.GetOrdinal("status"))),
        SizeBytes = Number(row, "size_bytes"),
        CompressedSizeBytes = Number(row, "compressed_size_bytes"),
        ObjectsIncluded = Number(row, "objects_included"),
        FilesIncluded = Number(row, "files_included"),
        ErrorMessage = Text(row, "error_message"),
        ManifestJson = Text(row, "manifest_json"),
        Sha256 = Text(row, "sha256"),
        KeyId = Text(row, "key_id"),
    };

    public static RestoreExecution Restore(SqliteDataReader row) => new()
    {
        Id = row.GetString(row.GetOrdinal("id")),
        RestoreName = row.GetString(row.GetOrdinal("restore_name")),
        Namespace = row.GetString(row.GetOrdinal("namespace")),
        BackupName = row.GetString(row.GetOrdinal("backup_name")),
        Source = row.GetString(row.GetOrdinal("source")),
        Mode = row.GetString(row.GetOrdinal("mode")),
        DryRun = row.GetInt64(row.GetOrdinal("dry_run")) != 0,
        StartedAt = ParseTime(row.GetString(row.GetOrdinal("started_at"))),
        CompletedAt = Text(row, "completed_at") is { } completed ? ParseTime(completed) : null,
        Status = ParseStatus(row.GetString(row.GetOrdinal("status"))),
        Created = (int)row.GetInt64(row.GetOrdinal("created_count")),
        Updated = (int)row.GetInt64(row.GetOrdinal("updated_count")),
        Unchanged = (int)row.GetInt64(row.GetOrdinal("unchanged_count")),
        Skipped = (int)row.GetInt64(row.GetOrdinal("skipped_count")),
        Failed = (int)row.GetInt64(row.GetOrdinal("failed_count")),
        ErrorMessage = Text(row, "error_message"),
        PlanJson = Text(row, "plan_json"),
        SafetyBackupName = Text(row, "safety_backup_name"),
    };

    private static ExecutionStatus ParseStatus(string text) => text switch
    {
        "running" => ExecutionStatus.Running,
        "succeeded" => ExecutionStatus.Succeeded,
        "partially_failed" => ExecutionStatus.PartiallyFailed,
        "failed" => ExecutionStatus.Failed,
        "abandoned" => ExecutionStatus.Abandoned,
        _ => throw new InvalidOperationException($"Unknown execution status '{text}' in the history database."),
    };

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string? Text(SqliteDataReader row, string column)
    {
        var ordinal = row.GetOrdinal(column);
        return row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
    }

    private static long? Number(SqliteDataReader row, string column)
    {
        var ordinal = row.GetOrdinal(column);
        return row.IsDBNull(ordinal) ? null : row.GetInt64(ordinal);
    }
}
