using DBackup.Operator.Entities;
using DBackup.Operator.Restore;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Restore;
using k8s;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Tests.Restore;

/// <summary>Safety backups: what a restore replaces is backed up first, as a restorable backup retention never touches.</summary>
public sealed class RestoreSafetyTests(OperatorClusterFixture fx) : IClassFixture<OperatorClusterFixture>
{
    private const string Canary = "canary-safety-0b7d";

    [Fact]
    public async Task Overwrite_WritesSafetyBackupOfReplacedObjectsOnly_WhichRestoresThem()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("changed", "blue");
        await w.ConfigMapAsync("same", "blue");
        await w.SecretAsync("db", "old");
        await w.BackupAsync();
        await w.SetColorAsync("changed", "red");
        await w.Client.CoreV1.DeleteNamespacedSecretAsync("db", w.Namespace);
        await w.SecretAsync("db", Canary);

        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with { SafetyBackup = Target(w) });

        Assert.Equal(RestoreOutcome.Succeeded, result.Outcome);
        Assert.StartsWith(SafetyBackupTarget.DefaultFolder + "-", result.SafetyBackupName, StringComparison.Ordinal);
        Assert.Equal("blue", await w.ColorAsync("changed"));
        var safety = await BackupCatalog.FindAsync(w.Destination, SafetyBackupTarget.DefaultFolder, BackupCatalog.Latest, CancellationToken.None);
        Assert.Equal((2L, SafetyBackupTarget.Trigger, true), (safety.Meta!.Objects, safety.Meta.Trigger, safety.Meta.Encryption.Enabled));
        Assert.DoesNotContain(Canary, await File.ReadAllTextAsync(Path.Combine(w.Destination.Root, safety.PayloadKey)), StringComparison.Ordinal);

        var undo = await w.RestoreAsync(new RestoreRequest
        {
            Source = w.Destination, Policy = SafetyBackupTarget.DefaultFolder, Backup = result.SafetyBackupName!, Keys = new KeyRing(w.Key), Mode = RestoreMode.Overwrite,
        });

        Assert.Equal(new RestoreCounts(0, 2, 0, 0, 0), undo.Counts);
        Assert.Equal("red", await w.ColorAsync("changed"));
        Assert.Equal(Canary, await w.PasswordAsync("db"));
    }

    [Fact]
    public async Task Restore_WritesNoSafetyBackup_WhenNothingExistingChanges()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app");
        await w.BackupAsync();
        await w.Client.CoreV1.DeleteNamespacedConfigMapAsync("app", w.Namespace);

        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with { SafetyBackup = Target(w) });

        Assert.Equal((RestoreOutcome.Succeeded, 1), (result.Outcome, result.Counts.Created));
        Assert.Null(result.SafetyBackupName);
        Assert.False(Directory.Exists(Path.Combine(w.Destination.Root, SafetyBackupTarget.DefaultFolder)));
    }

    [Fact]
    public async Task Restore_IsRefusedBeforeAnyWrite_WhenSafetyBackupOfASecretHasNoKey()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.SecretAsync("db", "old");
        await w.ConfigMapAsync("app", "blue");
        await w.BackupAsync();
        await w.SetColorAsync("app", "red");
        await w.Client.CoreV1.DeleteNamespacedSecretAsync("db", w.Namespace);
        await w.SecretAsync("db", Canary);
        var revision = w.Cluster.Cluster.ResourceVersion;

        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with { SafetyBackup = Target(w) with { Key = null } });

        Assert.Equal((RestoreOutcome.Failed, RestoreFailureKinds.SafetyBackupFailed), (result.Outcome, result.FailureKind));
        Assert.Contains("no encryption key", result.FailureReason, StringComparison.Ordinal);
        Assert.Equal(revision, w.Cluster.Cluster.ResourceVersion);
        Assert.Equal("red", await w.ColorAsync("app"));
    }

    [Fact]
    public async Task Retention_NeverTouchesSafetyBackups()
    {
        using var w = await RestoreWorld.CreateAsync(fx);
        await w.ConfigMapAsync("app", "blue");
        await w.BackupAsync();
        await w.SetColorAsync("app", "red");
        var result = await w.RestoreAsync(w.Request(RestoreMode.Overwrite) with { SafetyBackup = Target(w) });
        await w.BackupAsync();

        var deleted = await DBackup.Pipeline.Retention.BackupRetention.ApplyAsync(w.Destination, "nightly",
            new DBackup.Pipeline.Retention.RetentionPolicy { KeepLast = 1, MaxAge = TimeSpan.FromMinutes(1) }, DateTimeOffset.UtcNow.AddYears(1), CancellationToken.None);

        Assert.Single(deleted);

        var safety = await BackupCatalog.FindAsync(w.Destination, SafetyBackupTarget.DefaultFolder, result.SafetyBackupName!, CancellationToken.None);
        Assert.True(safety.IsRestorable);
    }

    private static SafetyBackupTarget Target(RestoreWorld w) => new() { Destination = w.Destination, Key = w.Key, TempDirectory = w.Root };
}
