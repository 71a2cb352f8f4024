namespace DBackup.Pipeline.Objects;

/// <summary>How <see cref="ListItemCleaner"/> treats the items of one LIST.</summary>
/// <param name="ApiVersion">The resource's apiVersion, written into every item (list items of built-in kinds lack it).</param>
/// <param name="Kind">The resource's kind, written likewise.</param>
public sealed record ListItemCleanOptions(string ApiVersion, string Kind)
{
    /// <summary>Replace the values of core v1 Secrets with the placeholder, as <see cref="SecretRedactor"/> does.</summary>
    public bool RedactSecrets { get; init; }

    /// <summary>A label whose value is reported in <see cref="ListItemFacts.WatchedLabelValue"/> (e.g. an exclude label).</summary>
    public string? WatchedLabel { get; init; }
}
