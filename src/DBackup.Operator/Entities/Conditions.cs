using k8s.Models;

namespace DBackup.Operator.Entities;

/// <summary>Condition types used in the status of our kinds.</summary>
public static class ConditionTypes
{
    /// <summary>The object is valid and everything it refers to is usable.</summary>
    public const string Ready = "Ready";

    /// <summary>The last backup run of a policy succeeded.</summary>
    public const string BackupSucceeded = "BackupSucceeded";

    /// <summary>A restore is working (reason <c>Verifying</c> before any write, <c>Applying</c> once writes may have started).</summary>
    public const string Running = "Running";

    /// <summary>A restore finished and every selected object was handled (reason <c>Succeeded</c> or <c>PartiallyFailed</c>).</summary>
    public const string Complete = "Complete";

    /// <summary>A restore failed before or while applying; the reason says why (BackupNotFound, KeyMissing …).</summary>
    public const string Failed = "Failed";

    /// <summary>The last restore drill of a policy proved its newest backup restorable.</summary>
    public const string Verified = "Verified";
}

/// <summary>Machine-readable reasons (CamelCase, as Kubernetes requires) for our conditions.</summary>
public static class ConditionReasons
{
    /// <summary>Everything checked out.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>The reconcile failed with an error; the message says which.</summary>
    public const string ReconcileError = "ReconcileError";
}

/// <summary>
/// Builds and stores <see cref="V1Condition"/> values with <c>meta.SetStatusCondition</c> semantics, so that
/// writing the same condition twice changes nothing and <c>lastTransitionTime</c> marks real transitions only.
/// </summary>
public static class Conditions
{
    /// <summary>Status value of a condition that holds.</summary>
    public const string True = "True";

    /// <summary>Status value of a condition that does not hold.</summary>
    public const string False = "False";

    /// <summary>Status value of a condition that cannot be determined.</summary>
    public const string Unknown = "Unknown";

    /// <summary>A <c>Ready=True</c> condition.</summary>
    /// <param name="reason">CamelCase reason, e.g. <see cref="ConditionReasons.Succeeded"/>.</param>
    /// <param name="message">One human-readable sentence.</param>
    /// <param name="observedGeneration">The generation this condition was computed from.</param>
    public static V1Condition Ready(string reason, string message, long? observedGeneration = null) =>
        Build(ConditionTypes.Ready, True, reason, message, observedGeneration);

    /// <summary>A <c>False</c> condition (default type <c>Ready</c>) carrying an error's message.</summary>
    /// <param name="error">The error; only its message is kept, so it must not contain secret values.</param>
    /// <param name="type">Condition type.</param>
    /// <param name="reason">CamelCase reason.</param>
    /// <param name="observedGeneration">The generation this condition was computed from.</param>
    public static V1Condition Failed(Exception error, string type = ConditionTypes.Ready, string reason = ConditionReasons.ReconcileError, long? observedGeneration = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Build(type, False, reason, error.Message, observedGeneration);
    }

    /// <summary>A condition of any type and status.</summary>
    public static V1Condition Build(string type, string status, string reason, string message, long? observedGeneration = null) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        ObservedGeneration = observedGeneration,
    };

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>True when the condition of <paramref name="type"/> exists and is <c>True</c>.</summary>
    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) =>
        string.Equals(Find(conditions, type)?.Status, True, StringComparison.Ordinal);

    /// <summary>
    /// Adds or updates the condition of <paramref name="condition"/>'s type. <c>lastTransitionTime</c> changes
    /// only when the status flips (or the condition is new); reason, message and observedGeneration are copied.
    /// </summary>
    /// <param name="conditions">The status' condition list.</param>
    /// <param name="condition">The desired condition; its <c>LastTransitionTime</c>, if set, is used for a transition.</param>
    /// <param name="now">Transition time when <paramref name="condition"/> has none; <see cref="DateTime.UtcNow"/> when null.</param>
    /// <returns>Whether the list changed.</returns>
    public static bool Set(IList<V1Condition> conditions, V1Condition condition, DateTime? now = null)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(condition);
        var at = StatusTime.Seconds(condition.LastTransitionTime != default ? condition.LastTransitionTime : now ?? DateTime.UtcNow);
        var existing = Find(conditions, condition.Type);
        if (existing is null)
        {
            conditions.Add(new V1Condition
            {
                Type = condition.Type,
                Status = condition.Status,
                Reason = condition.Reason,
                Message = condition.Message,
                ObservedGeneration = condition.ObservedGeneration,
                LastTransitionTime = at,
            });
            return true;
        }

        var changed = false;
        if (!string.Equals(existing.Status, condition.Status, StringComparison.Ordinal))
        {
            existing.Status = condition.Status;
            existing.LastTransitionTime = at;
            changed = true;
        }

        changed |= Assign(existing.Reason, condition.Reason, v => existing.Reason = v);
        changed |= Assign(existing.Message, condition.Message, v => existing.Message = v);
        if (existing.ObservedGeneration != condition.ObservedGeneration)
        {
            existing.ObservedGeneration = condition.ObservedGeneration;
            changed = true;
        }

        return changed;
    }

    /// <summary>Removes the condition of <paramref name="type"/>; returns whether there was one.</summary>
    public static bool Remove(IList<V1Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var existing = Find(conditions, type);
        return existing is not null && conditions.Remove(existing);
    }

    private static bool Assign(string? current, string? desired, Action<string?> set)
    {
        if (string.Equals(current, desired, StringComparison.Ordinal))
        {
            return false;
        }

        set(desired);
        return true;
    }
}
