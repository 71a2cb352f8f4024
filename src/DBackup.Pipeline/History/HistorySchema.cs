using Microsoft.Data.Sqlite;

namespace DBackup.Pipeline.History;

/// <summary>
/// The history database schema as an ordered list of migrations; <c>PRAGMA user_version</c> records how many
/// have been applied. Append new steps, never edit shipped ones.
/// </summary>
internal static class HistorySchema
{
    /// <summary>Migration steps; step i brings the database from version i to i+1.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        // 1: backup runs, as in the original DBackup store.
        """
        CREATE TABLE backup_executions (
            id TEXT PRIMARY KEY NOT NULL,
            policy TEXT NOT NULL,
            namespace TEXT NOT NULL DEFAULT '',
            destination TEXT NOT NULL,
            backup_name TEXT,
            backup_path TEXT,
            triggered_by TEXT NOT NULL,
            started_at TEXT NOT NULL,
            completed_at TEXT,
            status TEXT NOT NULL,
            size_bytes INTEGER,
            compressed_size_bytes INTEGER,
            objects_included INTEGER,
            files_included INTEGER,
            error_message TEXT,
            manifest_json TEXT
        );
        CREATE INDEX ix_backup_executions_policy ON backup_executions (namespace, policy, started_at);
        CREATE INDEX ix_backup_executions_status ON backup_executions (status);
        """,

        // 2: payload hash and key fingerprint on backups; restore runs.
        """
        ALTER TABLE backup_executions ADD COLUMN sha256 TEXT;
        ALTER TABLE backup_executions ADD COLUMN key_id TEXT;
        CREATE TABLE restore_executions (
            id TEXT PRIMARY KEY NOT NULL,
            restore_name TEXT NOT NULL,
            namespace TEXT NOT NULL DEFAULT '',
            backup_name TEXT NOT NULL,
            source TEXT NOT NULL,
            mode TEXT NOT NULL,
            dry_run INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            completed_at TEXT,
            status TEXT NOT NULL,
            created_count INTEGER NOT NULL DEFAULT 0,
            updated_count INTEGER NOT NULL DEFAULT 0,
            unchanged_count INTEGER NOT NULL DEFAULT 0,
            skipped_count INTEGER NOT NULL DEFAULT 0,
            failed_count INTEGER NOT NULL DEFAULT 0,
            error_message TEXT,
            plan_json TEXT,
            safety_backup_name TEXT
        );
        CREATE INDEX ix_restore_executions_name ON restore_executions (namespace, restore_name, started_at);
        CREATE INDEX ix_restore_executions_status ON restore_executions (status);
        """,
    ];

    /// <summary>Applies the missing steps to <paramref name="connection"/>, one transaction per step.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="upTo">Target version (all steps by default; lower values let tests build old databases).</param>
    /// <exception cref="InvalidOperationException">The database was written by a newer version of the operator.</exception>
    public static void Migrate(SqliteConnection connection, int? upTo = null)
    {
        var target = upTo ?? Migrations.Count;
        for (var applied = UserVersion(connection, null); applied < target; )
        {
            // IMMEDIATE transaction: a second process migrating at the same time waits, then sees the new version.
            using var transaction = connection.BeginTransaction(deferred: false);
            applied = UserVersion(connection, transaction);
            if (applied >= target)
            {
                break;
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[applied] + $"\nPRAGMA user_version = {applied + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
            applied++;
        }

        var version = UserVersion(connection, null);
        if (version > Migrations.Count)
        {
            throw new InvalidOperationException(
                $"The history database has schema version {version}, newer than this build knows ({Migrations.Count}); use a newer dbackup or a fresh data directory.");
        }
    }

    /// <summary>Reads <c>PRAGMA user_version</c>.</summary>
    public static int UserVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
