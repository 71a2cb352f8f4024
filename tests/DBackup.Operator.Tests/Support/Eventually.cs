namespace DBackup.Operator.Tests.Support;

/// <summary>Polling for asynchronous outcomes: generous deadlines, no timing assertions.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Polls until <paramref name="condition"/> holds, or fails the test after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new Xunit.Sdk.XunitException($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Synchronous-condition form of <see cref="TrueAsync(Func{Task{bool}}, string, TimeSpan?)"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);
}
