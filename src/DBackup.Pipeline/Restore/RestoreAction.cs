namespace DBackup.Pipeline.Restore;

/// <summary>What a restore does, or would do, with one object.</summary>
public enum RestoreAction
{
    /// <summary>The object is missing and is (or would be) created.</summary>
    Create,

    /// <summary>The object exists, differs, and is (or would be) replaced (Overwrite mode).</summary>
    Update,

    /// <summary>The object exists and already holds every field of the backup's copy.</summary>
    Unchanged,

    /// <summary>The object is left alone; the reason says why (Merge mode, a redacted Secret over real values ...).</summary>
    Skip,

    /// <summary>The object could not be applied, validated or verified; the reason says why.</summary>
    Fail,
}

/// <summary>The lowercase words used in status and CLI tables.</summary>
public static class RestoreActions
{
    /// <summary><c>create</c>, <c>update</c>, <c>unchanged</c>, <c>skip</c> or <c>fail</c>.</summary>
    public static string Word(this RestoreAction action) => action switch
    {
        RestoreAction.Create => "create",
        RestoreAction.Update => "update",
        RestoreAction.Unchanged => "unchanged",
        RestoreAction.Skip => "skip",
        _ => "fail",
    };
}
