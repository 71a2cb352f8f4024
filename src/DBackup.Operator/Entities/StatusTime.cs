namespace DBackup.Operator.Entities;

/// <summary>Times as status stores them.</summary>
public static class StatusTime
{
    /// <summary>
    /// <paramref name="time"/> in UTC, cut to whole seconds: the API server keeps RFC 3339 seconds, so a sub-second
    /// value would differ from what is read back and look like a change.
    /// </summary>
    public static DateTime Seconds(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
