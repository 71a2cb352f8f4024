using System.Text;
using System.Text.Json.Nodes;

namespace DBackup.Pipeline.Objects;

/// <summary>
/// Replaces the values of a core <c>v1 Secret</c> with a fixed placeholder so a backup without
/// secrets is safe to share. Keys, type and labels stay; the object is labelled
/// <c>dbackup.io/redacted: "true"</c>.
/// </summary>
/// <remarks>
/// The <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation is removed as well, because
/// <c>kubectl apply</c> stores the whole Secret there, values included.
/// </remarks>
public static class SecretRedactor
{
    /// <summary>The label that marks a redacted object.</summary>
    public const string RedactedLabel = "dbackup.io/redacted";

    /// <summary>The text every <c>stringData</c> value becomes; <c>data</c> values become its base64.</summary>
    public const string Placeholder = "REDACTED-BY-DBACKUP";

    /// <summary>The base64 form used for <c>data</c> values, so a redacted Secret still passes API validation.</summary>
    public static string DataPlaceholder { get; } = Convert.ToBase64String(Encoding.UTF8.GetBytes(Placeholder));

    /// <summary>Whether the object is a core <c>v1</c> Secret.</summary>
    public static bool IsSecret(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return ObjectFields.IsCore(obj, "Secret");
    }

    /// <summary>Whether the object carries the redacted label.</summary>
    public static bool IsRedacted(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj["metadata"] is JsonObject meta && meta["labels"] is JsonObject labels && ObjectFields.StringOf(labels[RedactedLabel]) == "true";
    }

    /// <summary>
    /// Returns a redacted deep copy of a Secret, or a plain deep copy of any other object.
    /// The input is never changed.
    /// </summary>
    public static JsonObject Redact(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var copy = (JsonObject)obj.DeepClone();
        if (!IsSecret(copy))
        {
            return copy;
        }

        ReplaceValues(copy, "data", DataPlaceholder);
        ReplaceValues(copy, "stringData", Placeholder);

        if (copy["metadata"] is not JsonObject meta)
        {
            meta = new JsonObject();
            copy["metadata"] = meta;
        }

        if (meta["annotations"] is JsonObject annotations)
        {
            annotations.Remove(ObjectCleaner.LastAppliedAnnotation);
        }

        if (meta["labels"] is not JsonObject labels)
        {
            labels = new JsonObject();
            meta["labels"] = labels;
        }

        labels[RedactedLabel] = "true";
        return copy;
    }

    private static void ReplaceValues(JsonObject secret, string field, string placeholder)
    {
        if (secret[field] is JsonObject values)
        {
            foreach (var key in values.Select(p => p.Key).ToList())
            {
                values[key] = placeholder;
            }
        }
        else if (secret[field] is not null)
        {
            // An unexpected shape (array, scalar) could still hold a value: drop it rather than guess.
            secret.Remove(field);
        }
    }
}
