using DBackup.Pipeline.Storage;
using Microsoft.Data.Sqlite;

namespace DBackup.Pipeline.History;

/// <summary>
/// Backup and restore runs recorded in a SQLite file on the operator's volume (tables <c>backup_executions</c>
/// and <c>restore_executions</c>). Custom resource status keeps only recent runs; this is the full record.
/// </summary>
/// <remarks>
/// The database is in WAL mode with a busy timeout, so readers never block the writer. Each call opens its own
/// short-lived connection, which makes the type safe for concurrent use and leaves no file handle open between
/// calls. Only names, counts, hashes and messages are stored: callers must never pass Secret values.
/// </remarks>
public sealed class ExecutionHistory
{
    /// <summary>File name of the database inside a data directory.</summary>
    public const string DefaultFileName = "history.db";

    private const int MaxErrorLength = 4000;
    private const string AbandonedMessage = "The operator stopped while this run was in progress.";

    private readonly string connectionString;

    private ExecutionHistory(string path)
    {
        DatabasePath = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The database path inside <paramref name="dataDirectory"/>.</summary>
    public static string DefaultPath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), DefaultFileName);

    /// <summary>Opens (creating if needed, mode 0600) and migrates the database at <paramref name="databasePath"/>.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version.</exception>
    public static async Task<ExecutionHistory> OpenAsync(string databasePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path) && !OperatingSystem.IsWindows())
        {
            // An empty file is a valid empty database; creating it ourselves fixes its mode, and SQLite gives the -wal file the same.
            using var _ = LocalFiles.CreatePrivateFile(path, FileShare.Read);
        }

        var history = new ExecutionHistory(path);
        await using var connection = await history.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        HistorySchema.Migrate(connection);
        return history;
    }

    /// <summary>Records the start of a backup run; returns its id.</summary>
    public async Task<string> StartBackupAsync(BackupExecutionStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        await ExecuteAsync("""
            INSERT INTO backup_executions (id, policy, namespace, destination, backup_name, triggered_by, started_at, status)
            VALUES ($id, $policy, $namespace, $destination, $name, $trigger, $started, 'running');
            """, cancellationToken,
            ("$id", start.Id), ("$policy", start.Policy), ("$namespace", start.Namespace), ("$destination", start.Destination),
            ("$name", start.BackupName), ("$trigger", start.TriggeredBy), ("$started", HistoryRows.Time(start.StartedAt))).ConfigureAwait(false);
        return start.Id;
    }

    /// <summary>Records a successful backup run.</summary>
    /// <exception cref="InvalidOperationException">No run has that id.</exception>
    public Task CompleteBackupAsync(string id, BackupExecutionResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return UpdateOneAsync("backup", id, """
            UPDATE backup_executions SET status = 'succeeded', completed_at = $completed, backup_name = $name, backup_path = $path,
                size_bytes = $size, compressed_size_bytes = $compressed, objects_included = $objects, files_included = $files,
                manifest_json = $manifest, sha256 = $sha, key_id = $key, error_message = NULL
            WHERE id = $id;
            """, cancellationToken,
            ("$id", id), ("$completed", HistoryRows.Time(result.CompletedAt)), ("$name", result.BackupName), ("$path", result.BackupPath),
            ("$size", result.SizeBytes), ("$compressed", result.CompressedSizeBytes), ("$objects", result.ObjectsIncluded),
            ("$files", result.FilesIncluded), ("$manifest", result.ManifestJson), ("$sha", result.Sha256), ("$key", result.KeyId));
    }

    /// <summary>Records a failed backup run.</summary>
    /// <exception cref="InvalidOperationException">No run has that id.</exception>
    public Task FailBackupAsync(string id, string errorMessage, DateTimeOffset completedAt, CancellationToken cancellationToken = default) =>
        UpdateOneAsync("backup", id, "UPDATE backup_executions SET status = 'failed', completed_at = $completed, error_message = $error WHERE id = $id;",
            cancellationToken, ("$id", id), ("$completed", HistoryRows.Time(completedAt)), ("$error", Truncate(errorMessage)));

    /// <summary>Records the start of a restore run; returns its id.</summary>
    public async Task<string> StartRestoreAsync(RestoreExecutionStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        await ExecuteAsync("""
            INSERT INTO restore_executions (id, restore_name, namespace, backup_name, source, mode, dry_run, started_at, status)
            VALUES ($id, $name, $namespace, $backup, $source, $mode, $dry, $started, 'running');
            """, cancellationToken,
            ("$id", start.Id), ("$name", start.RestoreName), ("$namespace", start.Namespace), ("$backup", start.BackupName),
            ("$source", start.Source), ("$mode", start.Mode), ("$dry", start.DryRun ? 1 : 0), ("$started", HistoryRows.Time(start.StartedAt))).ConfigureAwait(false);
        return start.Id;
    }

    /// <summary>Records the outcome of a finished restore run.</summary>
    /// <exception cref="ArgumentException">The status is Running or Abandoned.</exception>
    /// <exception cref="InvalidOperationException">No run has that id.</exception>
    public Task CompleteRestoreAsync(string id, RestoreExecutionResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Status is ExecutionStatus.Running or ExecutionStatus.Abandoned)
        {
            throw new ArgumentException($"A finished restore cannot have status {result.Status}.", nameof(result));
        }

        return UpdateOneAsync("restore", id, """
            UPDATE restore_executions SET status = $status, completed_at = $completed, created_count = $created, updated_count = $updated,
                unchanged_count = $unchanged, skipped_count = $skipped, failed_count = $failed, plan_json = $plan,
                safety_backup_name = $safety, error_message = $error
            WHERE id = $id;
            """, cancellationToken,
            ("$id", id), ("$status", HistoryRows.Status(result.Status)), ("$completed", HistoryRows.Time(result.CompletedAt)),
            ("$created", result.Created), ("$updated", result.Updated), ("$unchanged", result.Unchanged), ("$skipped", result.Skipped),
            ("$failed", result.Failed), ("$plan", result.PlanJson), ("$safety", result.SafetyBackupName), ("$error", Truncate(result.ErrorMessage)));
    }

    /// <summary>Records a restore run that failed before producing counts.</summary>
    /// <exception cref="InvalidOperationException">No run has that id.</exception>
    public Task FailRestoreAsync(string id, string errorMessage, DateTimeOffset completedAt, CancellationToken cancellationToken = default) =>
        UpdateOneAsync("restore", id, "UPDATE restore_executions SET status = 'failed', completed_at = $completed, error_message = $error WHERE id = $id;",
            cancellationToken, ("$id", id), ("$completed", HistoryRows.Time(completedAt)), ("$error", Truncate(errorMessage)));

    /// <summary>Recent backup runs, newest first.</summary>
    /// <param name="policy">Only this policy, or null for all.</param>
    /// <param name="limit">Maximum rows.</param>
    /// <param name="namespace">Only this namespace, or null for all.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public Task<IReadOnlyList<BackupExecution>> RecentBackupsAsync(string? policy, int limit, string? @namespace = null, CancellationToken cancellationToken = default) =>
        QueryAsync("""
            SELECT * FROM backup_executions
            WHERE ($policy IS NULL OR policy = $policy) AND ($namespace IS NULL OR namespace = $namespace)
            ORDER BY started_at DESC, id LIMIT $limit;
            """, HistoryRows.Backup, cancellationToken, ("$policy", policy), ("$namespace", @namespace), ("$limit", Math.Max(0, limit)));

    /// <summary>Recent restore runs, newest first.</summary>
    public Task<IReadOnlyList<RestoreExecution>> RecentRestoresAsync(string? @namespace, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("""
            SELECT * FROM restore_executions WHERE ($namespace IS NULL OR namespace = $namespace)
            ORDER BY started_at DESC, id LIMIT $limit;
            """, HistoryRows.Restore, cancellationToken, ("$namespace", @namespace), ("$limit", Math.Max(0, limit)));

    /// <summary>One backup run, or null.</summary>
    public async Task<BackupExecution?> GetBackupAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT * FROM backup_executions WHERE id = $id;", HistoryRows.Backup, cancellationToken, ("$id", id)).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>One restore run, or null.</summary>
    public async Task<RestoreExecution?> GetRestoreAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT * FROM restore_executions WHERE id = $id;", HistoryRows.Restore, cancellationToken, ("$id", id)).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>
    /// Marks every run still 'running' as 'abandoned'. Call once when the operator starts: such runs were cut
    /// short by a crash or restart. Returns how many rows changed.
    /// </summary>
    public Task<int> MarkRunningAsAbandonedAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            UPDATE backup_executions SET status = 'abandoned', completed_at = $now, error_message = COALESCE(error_message, $message) WHERE status = 'running';
            UPDATE restore_executions SET status = 'abandoned', completed_at = $now, error_message = COALESCE(error_message, $message) WHERE status = 'running';
            """, cancellationToken, ("$now", HistoryRows.Time(now)), ("$message", AbandonedMessage));

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = HistoryRows.Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task UpdateOneAsync(string kind, string id, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (await ExecuteAsync(sql, cancellationToken, parameters).ConfigureAwait(false) == 0)
        {
            throw new InvalidOperationException($"No {kind} execution with id '{id}' in {DatabasePath}.");
        }
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = HistoryRows.Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static string? Truncate(string? message) =>
        message is { Length: > MaxErrorLength } ? message[..MaxErrorLength] + "…" : message;
}
