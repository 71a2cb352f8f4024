using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Restore;

/// <summary>The planned action for one object, from what the backup holds and what the cluster has.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Reason">Why, or the field diff of an update, or a note on a create. Never a Secret value.</param>
public sealed record RestoreDecision(RestoreAction Action, string? Reason)
{
    /// <summary>Note on a Secret created from a redacted backup.</summary>
    public const string PlaceholderNote = "created with placeholder values (the backup was redacted): set the real values";

    /// <summary>Skip reason for a redacted Secret over an existing one.</summary>
    public const string RedactedSkip = "the backup holds no Secret values (redacted); the existing Secret keeps its real values";

    /// <summary>Skip reason in Merge mode.</summary>
    public const string MergeSkip = "exists and differs; Merge mode keeps it";

    /// <summary>The decision for an object the cluster does not have: create it (noting placeholder values for a redacted Secret).</summary>
    /// <param name="redacted">Whether the object is a Secret from a redacted backup.</param>
    public static RestoreDecision Missing(bool redacted) => new(RestoreAction.Create, redacted ? PlaceholderNote : null);

    /// <summary>
    /// Decides: missing objects are created; objects that already hold every backed-up field are unchanged;
    /// a redacted Secret never replaces an existing one; the rest are updated in Overwrite mode and skipped in Merge mode.
    /// </summary>
    /// <param name="wanted">The cleaned, mapped object from the backup.</param>
    /// <param name="live">The object in the cluster, or null when it does not exist.</param>
    /// <param name="overwrite">Whether existing objects are replaced.</param>
    public static RestoreDecision Decide(JsonObject wanted, JsonObject? live, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var redacted = SecretRedactor.IsSecret(wanted) && SecretRedactor.IsRedacted(wanted);
        if (live is null)
        {
            return Missing(redacted);
        }

        if (ObjectComparison.IsSubset(wanted, live))
        {
            return new RestoreDecision(RestoreAction.Unchanged, null);
        }

        if (redacted)
        {
            return new RestoreDecision(RestoreAction.Skip, RedactedSkip);
        }

        return overwrite
            ? new RestoreDecision(RestoreAction.Update, FieldDiff.Describe(live, wanted))
            : new RestoreDecision(RestoreAction.Skip, $"{MergeSkip} ({FieldDiff.Describe(live, wanted)})");
    }
}
