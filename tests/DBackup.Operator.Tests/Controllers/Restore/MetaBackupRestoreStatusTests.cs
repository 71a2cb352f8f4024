using DBackup.Operator.Entities;

namespace DBackup.Operator.Tests.Controllers.Restore;

/// <summary>Status transitions of a restore: conditions move together with the phase, and items stay bounded with failures first.</summary>
public sealed class MetaBackupRestoreStatusTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 3, 0, 0, 500, DateTimeKind.Utc);

    [Fact]
    public void BoundItems_KeepsEveryFailureFirst_AndAtMostMaxItems()
    {
        var items = Enumerable.Range(0, 150).Select(i => new RestoreItem { Name = $"ok-{i}", Action = "create" })
            .Concat(Enumerable.Range(0, 30).Select(i => new RestoreItem { Name = $"bad-{i}", Action = "fail" }))
            .Append(new RestoreItem { Name = "kept", Action = "skip" });

        var bounded = MetaBackupRestoreStatus.BoundItems(items);

        Assert.Equal(MetaBackupRestoreStatus.MaxItems, bounded.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"bad-{i}"), bounded.Take(30).Select(i => i.Name));
        Assert.Equal("kept", bounded[30].Name);
        Assert.Equal("ok-0", bounded[31].Name);
    }

    [Fact]
    public void Transitions_SetPhaseTimesAndConditionsTogether()
    {
        var status = new MetaBackupRestoreStatus();

        status.SetPending("waiting", 1, Now);
        Assert.Equal(RestorePhase.Pending, status.Phase);
        Assert.Null(status.StartTime);

        status.SetRunning(RestoreReasons.Applying, "applying", 1, Now);
        Assert.Equal((RestorePhase.Running, Now.AddMilliseconds(-500)), (status.Phase, status.StartTime!.Value));
        Assert.True(Conditions.IsTrue(status.Conditions, ConditionTypes.Running));

        status.SetCompleted(new RestoreSummary { Created = 2, Failed = 1 }, [new RestoreItem { Name = "a", Action = "fail" }], "done", 1, Now.AddMinutes(1));
        Assert.Equal(RestorePhase.PartiallyFailed, status.Phase);
        Assert.False(Conditions.IsTrue(status.Conditions, ConditionTypes.Running));
        Assert.True(Conditions.IsTrue(status.Conditions, ConditionTypes.Complete));
        Assert.True(Conditions.IsTrue(status.Conditions, ConditionTypes.Failed));
        Assert.True(MetaBackupRestoreStatus.IsTerminal(status.Phase));

        var failed = new MetaBackupRestoreStatus();
        failed.SetFailed(RestoreReasons.KeyMissing, "no key", 1, Now);
        Assert.Equal(RestorePhase.Failed, failed.Phase);
        Assert.False(Conditions.IsTrue(failed.Conditions, ConditionTypes.Complete));
        Assert.Equal(RestoreReasons.KeyMissing, Conditions.Find(failed.Conditions, ConditionTypes.Failed)!.Reason);
        Assert.False(MetaBackupRestoreStatus.IsTerminal(RestorePhase.Running));
    }
}
