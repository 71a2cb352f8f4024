namespace DBackup.Pipeline.Objects;

/// <summary>What <see cref="ListItemCleaner"/> read about an item while cleaning it: enough to name it and to apply skip rules.</summary>
public sealed class ListItemFacts
{
    /// <summary><c>metadata.name</c> when it is a string.</summary>
    public string? Name { get; internal set; }

    /// <summary><c>metadata.namespace</c> when it is a string.</summary>
    public string? Namespace { get; internal set; }

    /// <summary>Top-level <c>type</c> (a Secret's type) when it is a string.</summary>
    public string? Type { get; internal set; }

    /// <summary>The value of <see cref="ListItemCleanOptions.WatchedLabel"/> when present and a string.</summary>
    public string? WatchedLabelValue { get; internal set; }

    /// <summary>Whether an owner reference has <c>controller: true</c> (the references themselves are dropped).</summary>
    public bool ControllerOwned { get; internal set; }

    /// <summary>Whether the item is a Secret whose values were replaced by the placeholder.</summary>
    public bool Redacted { get; internal set; }
}
