using DBackup.Operator.Controllers;

namespace DBackup.Operator.Tests.Controllers;

public sealed class BackupSlotsTests
{
    [Fact]
    public async Task AcquireAsync_WaitsForAFreeSlot_WhenAllAreTaken()
    {
        using var slots = new BackupSlots(maxConcurrent: 2);
        var first = await slots.AcquireAsync(CancellationToken.None);
        var second = await slots.AcquireAsync(CancellationToken.None);

        var third = slots.AcquireAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        first.Dispose();
        first.Dispose(); // Releasing twice must not free a second slot.
        using var granted = await third.WaitAsync(TimeSpan.FromSeconds(5));
        var fourth = slots.AcquireAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(fourth.IsCompleted);

        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_GivesUp_WhenCancelled()
    {
        using var slots = new BackupSlots(maxConcurrent: 1);
        using var held = await slots.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slots.AcquireAsync(cts.Token));
    }
}
