namespace DBackup.Operator.Scheduling;

/// <summary>A policy's schedule or time zone cannot be used; the message is fit for a status condition.</summary>
public sealed class ScheduleException : Exception
{
    /// <summary>Reason of a cron expression that does not parse.</summary>
    public const string InvalidSchedule = "InvalidSchedule";

    /// <summary>Reason of a time zone that is not a known IANA zone.</summary>
    public const string UnknownTimeZone = "UnknownTimeZone";

    /// <summary>Creates the exception.</summary>
    /// <param name="reason">CamelCase condition reason: <see cref="InvalidSchedule"/> or <see cref="UnknownTimeZone"/>.</param>
    /// <param name="message">One sentence naming the bad value and what is expected.</param>
    /// <param name="inner">The parser's error, if any.</param>
    public ScheduleException(string reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    /// <summary>CamelCase condition reason.</summary>
    public string Reason { get; }
}
