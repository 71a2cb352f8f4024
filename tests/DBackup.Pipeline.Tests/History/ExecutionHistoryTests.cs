using DBackup.Pipeline.History;
using DBackup.Pipeline.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DBackup.Pipeline.Tests.History;

public sealed class ExecutionHistoryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory temp = new();

    private string DatabasePath => ExecutionHistory.DefaultPath(temp.Combine("data"));

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task CompleteBackupAsync_RoundTripsEveryColumn_WhenReadBack()
    {
        var history = await ExecutionHistory.OpenAsync(DatabasePath);
        var id = await history.StartBackupAsync(Start("nightly", T0));

        await history.CompleteBackupAsync(id, new BackupExecutionResult
        {
            CompletedAt = T0.AddSeconds(42),
            BackupName = "nightly-20260301T030000Z",
            BackupPath = "nightly/nightly-20260301T030000Z.tar.gz.enc",
            SizeBytes = 3000,
            CompressedSizeBytes = 900,
            ObjectsIncluded = 12,
            FilesIncluded = 13,
            ManifestJson = """{"formatVersion":1}""",
            Sha256 = new string('b', 64),
            KeyId = "0123456789abcdef",
        });

        var row = await history.GetBackupAsync(id);
        Assert.NotNull(row);
        Assert.Equal(ExecutionStatus.Succeeded, row.Status);
        Assert.Equal(("nightly", "team-a", "s3://bucket/prefix", "schedule"), (row.Policy, row.Namespace, row.Destination, row.TriggeredBy));
        Assert.Equal((T0, T0.AddSeconds(42)), (row.StartedAt, row.CompletedAt!.Value));
        Assert.Equal(TimeSpan.FromSeconds(42), row.Duration);
        Assert.Equal(("nightly-20260301T030000Z", "nightly/nightly-20260301T030000Z.tar.gz.enc"), (row.BackupName, row.BackupPath));
        Assert.Equal((3000L, 900L, 12L, 13L), (row.SizeBytes!.Value, row.CompressedSizeBytes!.Value, row.ObjectsIncluded!.Value, row.FilesIncluded!.Value));
        Assert.Equal(("""{"formatVersion":1}""", new string('b', 64), "0123456789abcdef"), (row.ManifestJson, row.Sha256, row.KeyId));
        Assert.Null(row.ErrorMessage);
    }

    [Fact]
    public async Task FailBackupAsync_StoresErrorAndStatus_WhenRunFails()
    {
        var history = await ExecutionHistory.OpenAsync(DatabasePath);
        var id = await history.StartBackupAsync(Start("nightly", T0));

        await history.FailBackupAsync(id, "S3 bucket 'x' does not exist.", T0.AddSeconds(1));

        var row = await history.GetBackupAsync(id);
        Assert.Equal((ExecutionStatus.Failed, "S3 bucket 'x' does not exist."), (row!.Status, row.ErrorMessage));
        await Assert.ThrowsAsync<InvalidOperationException>(() => history.FailBackupAsync("no-such-id", "x", T0));
    }

    [Fact]
    public async Task RecentBackupsAsync_ReturnsNewestFirstForPolicy_WhenReopened()
    {
        var first = await ExecutionHistory.OpenAsync(DatabasePath);
        for (var i = 0; i < 5; i++)
        {
            await first.StartBackupAsync(Start("nightly", T0.AddDays(i)));
        }

        await first.StartBackupAsync(Start("other", T0.AddDays(10)));

        var reopened = await ExecutionHistory.OpenAsync(DatabasePath);
        var recent = await reopened.RecentBackupsAsync("nightly", limit: 3);

        Assert.Equal([T0.AddDays(4), T0.AddDays(3), T0.AddDays(2)], recent.Select(r => r.StartedAt));
        Assert.Equal(6, (await reopened.RecentBackupsAsync(null, limit: 100)).Count);
        Assert.Empty(await reopened.RecentBackupsAsync("nightly", limit: 10, @namespace: "team-b"));
    }

    [Fact]
    public async Task CompleteRestoreAsync_RoundTripsCounts_WhenReadBack()
    {
        var history = await ExecutionHistory.OpenAsync(DatabasePath);
        var id = await history.StartRestoreAsync(new RestoreExecutionStart
        {
            RestoreName = "dr-1",
            Namespace = "team-a",
            BackupName = "nightly-20260301T030000Z",
            Source = "s3://bucket/prefix",
            Mode = "Overwrite",
            DryRun = true,
            StartedAt = T0,
        });

        await history.CompleteRestoreAsync(id, new RestoreExecutionResult
        {
            CompletedAt = T0.AddMinutes(1),
            Status = ExecutionStatus.PartiallyFailed,
            Created = 1,
            Updated = 2,
            Unchanged = 3,
            Skipped = 4,
            Failed = 5,
            PlanJson = "[]",
            SafetyBackupName = "safety-20260301T030000Z",
            ErrorMessage = "5 objects failed",
        });

        var row = Assert.Single(await history.RecentRestoresAsync("team-a", 10));
        Assert.Equal((ExecutionStatus.PartiallyFailed, true, "Overwrite", "dr-1"), (row.Status, row.DryRun, row.Mode, row.RestoreName));
        Assert.Equal((1, 2, 3, 4, 5), (row.Created, row.Updated, row.Unchanged, row.Skipped, row.Failed));
        Assert.Equal(("[]", "safety-20260301T030000Z", "5 objects failed"), (row.PlanJson, row.SafetyBackupName, row.ErrorMessage));
        Assert.Equal(T0.AddMinutes(1), row.CompletedAt);
    }

    [Fact]
    public async Task MarkRunningAsAbandonedAsync_MarksOnlyRunningRuns_WhenOperatorRestarts()
    {
        var history = await ExecutionHistory.OpenAsync(DatabasePath);
        var done = await history.StartBackupAsync(Start("nightly", T0));
        await history.FailBackupAsync(done, "boom", T0.AddSeconds(1));
        var crashed = await history.StartBackupAsync(Start("nightly", T0.AddDays(1)));
        var restore = await history.StartRestoreAsync(new RestoreExecutionStart
        {
            RestoreName = "r", BackupName = "b", Source = "/backups", Mode = "Merge", StartedAt = T0,
        });

        var reopened = await ExecutionHistory.OpenAsync(DatabasePath);
        var changed = await reopened.MarkRunningAsAbandonedAsync(T0.AddDays(2));

        Assert.Equal(2, changed);
        Assert.Equal(ExecutionStatus.Failed, (await reopened.GetBackupAsync(done))!.Status);
        var abandoned = (await reopened.GetBackupAsync(crashed))!;
        Assert.Equal((ExecutionStatus.Abandoned, T0.AddDays(2)), (abandoned.Status, abandoned.CompletedAt!.Value));
        Assert.NotNull(abandoned.ErrorMessage);
        Assert.Equal(ExecutionStatus.Abandoned, (await reopened.GetRestoreAsync(restore))!.Status);
    }

    [Fact]
    public async Task OpenAsync_MigratesAndKeepsRows_WhenDatabaseHasOlderSchema()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            HistorySchema.Migrate(connection, upTo: 1);
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO backup_executions (id, policy, destination, triggered_by, started_at, status)
                VALUES ('old-run', 'nightly', '/backups', 'schedule', '2026-01-01T03:00:00.0000000Z', 'succeeded');
                """;
            insert.ExecuteNonQuery();
            Assert.Equal(1, HistorySchema.UserVersion(connection, null));
        }

        var history = await ExecutionHistory.OpenAsync(DatabasePath);

        var old = (await history.GetBackupAsync("old-run"))!;
        Assert.Equal((ExecutionStatus.Succeeded, string.Empty, (string?)null), (old.Status, old.Namespace, old.Sha256));
        var id = await history.StartRestoreAsync(new RestoreExecutionStart { RestoreName = "r", BackupName = "b", Source = "s", Mode = "Merge", StartedAt = T0 });
        Assert.NotNull(await history.GetRestoreAsync(id));
        await using var check = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        check.Open();
        Assert.Equal(HistorySchema.Migrations.Count, HistorySchema.UserVersion(check, null));
    }

    [Fact]
    public async Task OpenAsync_Throws_WhenDatabaseIsFromNewerVersion()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ExecutionHistory.OpenAsync(DatabasePath));
        Assert.Contains("newer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_CreatesPrivateFileInWalMode_WhenNew()
    {
        await ExecutionHistory.OpenAsync(DatabasePath);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
        }

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    private static BackupExecutionStart Start(string policy, DateTimeOffset at) => new()
    {
        Policy = policy,
        Namespace = "team-a",
        Destination = "s3://bucket/prefix",
        TriggeredBy = "schedule",
        StartedAt = at,
    };
}
