using System.Text;
using System.Text.Json;

namespace DBackup.Pipeline.Objects;

/// <summary>
/// Cleans (and, for Secrets, redacts) one item of a LIST response in a single forward pass: a
/// <see cref="Utf8JsonReader"/> over the response bytes feeds a <see cref="Utf8JsonWriter"/>, with no DOM and no
/// re-parse. The bytes written are exactly those of
/// <c>JsonSerializer.SerializeToUtf8Bytes(SecretRedactor.Redact(ObjectCleaner.Clean(item)))</c> after the item got
/// its <c>apiVersion</c>/<c>kind</c> (list items of built-in kinds lack them), so archives do not change.
/// </summary>
/// <remarks>
/// Core <c>v1 Service</c> is not handled (its <c>spec.clusterIP</c> rule needs a value that may come after the
/// fields it removes): callers check <see cref="Handles"/> and use <see cref="ObjectCleaner"/> for it.
/// </remarks>
public static class ListItemCleaner
{
    // ObjectCleaner's list; ownerReferences is read for ListItemFacts.ControllerOwned before it is dropped (ListItemMetadata).
    private static readonly byte[][] ServerMetadata =
        [.. ObjectCleaner.ServerMetadata.Where(f => f != "ownerReferences").Select(Encoding.UTF8.GetBytes)];

    /// <summary>Whether this cleaner produces the same output as <see cref="ObjectCleaner"/> for objects of this type.</summary>
    public static bool Handles(string apiVersion, string kind) => !(apiVersion == "v1" && kind == "Service");

    /// <summary>
    /// Writes the cleaned item the reader is on (its <see cref="JsonTokenType.StartObject"/>) and leaves the reader on the
    /// item's <see cref="JsonTokenType.EndObject"/>. Returns what the caller needs to decide about the item.
    /// </summary>
    /// <exception cref="JsonException">The item is not a JSON object, or the JSON is malformed.</exception>
    /// <exception cref="ArgumentException">The options name a Service (see <see cref="Handles"/>).</exception>
    public static ListItemFacts Clean(ref Utf8JsonReader reader, Utf8JsonWriter writer, ListItemCleanOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        if (!Handles(options.ApiVersion, options.Kind))
        {
            throw new ArgumentException($"{options.Kind} objects need ObjectCleaner", nameof(options));
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"a list item is a JSON {reader.TokenType}, not an object");
        }

        var facts = new ListItemFacts { Redacted = options.RedactSecrets && options.ApiVersion == "v1" && options.Kind == "Secret" };
        bool apiVersionSeen = false, kindSeen = false, metadataSeen = false;
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("apiVersion"u8))
            {
                SkipValue(ref reader);
                writer.WriteString("apiVersion"u8, options.ApiVersion);
                apiVersionSeen = true;
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                SkipValue(ref reader);
                writer.WriteString("kind"u8, options.Kind);
                kindSeen = true;
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                metadataSeen = true;
                reader.Read();
                writer.WritePropertyName("metadata"u8);
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ListItemMetadata.Copy(ref reader, writer, facts, options.WatchedLabel);
                }
                else if (facts.Redacted)
                {
                    // SecretRedactor replaces a metadata that is not an object with one holding only the label.
                    reader.Skip();
                    WriteRedactedLabels(writer);
                }
                else
                {
                    JsonCopy.Value(ref reader, writer);
                }
            }
            else if (facts.Redacted && reader.ValueTextEquals("data"u8))
            {
                RedactValues(ref reader, writer, "data"u8, SecretRedactor.DataPlaceholder);
            }
            else if (facts.Redacted && reader.ValueTextEquals("stringData"u8))
            {
                RedactValues(ref reader, writer, "stringData"u8, SecretRedactor.Placeholder);
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                JsonCopy.PropertyName(ref reader, writer);
                reader.Read();
                facts.Type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                JsonCopy.Value(ref reader, writer);
            }
            else
            {
                JsonCopy.PropertyName(ref reader, writer);
                reader.Read();
                JsonCopy.Value(ref reader, writer);
            }
        }

        // In ObjectCleaner's order: the collector appended apiVersion, then kind; the redactor appended metadata last.
        if (!apiVersionSeen)
        {
            writer.WriteString("apiVersion"u8, options.ApiVersion);
        }

        if (!kindSeen)
        {
            writer.WriteString("kind"u8, options.Kind);
        }

        if (facts.Redacted && !metadataSeen)
        {
            writer.WritePropertyName("metadata"u8);
            WriteRedactedLabels(writer);
        }

        writer.WriteEndObject();
        return facts;
    }

    /// <summary><c>{"labels":{"dbackup.io/redacted":"true"}}</c>, the metadata SecretRedactor makes when there was none.</summary>
    private static void WriteRedactedLabels(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("labels"u8);
        ListItemMetadata.WriteRedactedLabelMap(writer);
        writer.WriteEndObject();
    }

    /// <summary>Every value of a map becomes the placeholder; a null stays; any other shape is dropped (SecretRedactor's rules).</summary>
    private static void RedactValues(ref Utf8JsonReader reader, Utf8JsonWriter writer, ReadOnlySpan<byte> field, string placeholder)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            writer.WriteNull(field);
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        writer.WritePropertyName(field);
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            JsonCopy.PropertyName(ref reader, writer);
            SkipValue(ref reader);
            writer.WriteStringValue(placeholder);
        }

        writer.WriteEndObject();
    }

    /// <summary>From a property name, moves past its value.</summary>
    internal static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>Whether the reader's property name is one of the server-populated metadata fields that are dropped.</summary>
    internal static bool IsServerMetadata(ref Utf8JsonReader reader)
    {
        foreach (var name in ServerMetadata)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }
}
