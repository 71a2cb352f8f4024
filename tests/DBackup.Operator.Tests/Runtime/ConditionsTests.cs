using DBackup.Operator.Entities;
using k8s.Models;

namespace DBackup.Operator.Tests.Runtime;

public sealed class ConditionsTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Set_AddsConditionWithTransitionTime_WhenTypeIsNew()
    {
        var list = new List<V1Condition>();

        Assert.True(Conditions.Set(list, Conditions.Ready(ConditionReasons.Succeeded, "ok", 3), T0.AddMilliseconds(700)));

        var c = Assert.Single(list);
        Assert.Equal((ConditionTypes.Ready, Conditions.True, 3L, T0), (c.Type, c.Status, c.ObservedGeneration!.Value, c.LastTransitionTime));
    }

    [Fact]
    public void Set_KeepsTransitionTime_WhenStatusIsUnchanged()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, Conditions.Ready(ConditionReasons.Succeeded, "ok", 1), T0);

        Assert.False(Conditions.Set(list, Conditions.Ready(ConditionReasons.Succeeded, "ok", 1), T0.AddHours(1)));
        Assert.True(Conditions.Set(list, Conditions.Ready("Other", "still ok", 2), T0.AddHours(2)));

        var c = Assert.Single(list);
        Assert.Equal(("Other", "still ok", 2L, T0), (c.Reason, c.Message, c.ObservedGeneration!.Value, c.LastTransitionTime));
    }

    [Fact]
    public void Set_MovesTransitionTime_WhenStatusFlips()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, Conditions.Ready(ConditionReasons.Succeeded, "ok"), T0);

        Assert.True(Conditions.Set(list, Conditions.Failed(new InvalidOperationException("secret missing")), T0.AddHours(1)));

        var c = Assert.Single(list);
        Assert.Equal((Conditions.False, ConditionReasons.ReconcileError, "secret missing", T0.AddHours(1)), (c.Status, c.Reason, c.Message, c.LastTransitionTime));
        Assert.False(Conditions.IsTrue(list, ConditionTypes.Ready));
    }

    [Fact]
    public void Set_KeepsOtherTypes_AndRemoveDropsOne()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, Conditions.Ready(ConditionReasons.Succeeded, "ok"), T0);
        Conditions.Set(list, Conditions.Build(ConditionTypes.BackupSucceeded, Conditions.True, ConditionReasons.Succeeded, "backup done"), T0);

        Assert.Equal(2, list.Count);
        Assert.True(Conditions.Remove(list, ConditionTypes.Ready));
        Assert.False(Conditions.Remove(list, ConditionTypes.Ready));
        Assert.Equal(ConditionTypes.BackupSucceeded, Assert.Single(list).Type);
    }
}
