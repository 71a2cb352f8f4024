using System.Text.Json;

namespace DBackup.Pipeline.Objects;

/// <summary>The <c>metadata</c> part of <see cref="ListItemCleaner"/>: server fields dropped, facts recorded on the way.</summary>
internal static class ListItemMetadata
{
    /// <summary>Copies the metadata object the reader is on; the property name is already written.</summary>
    public static void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer, ListItemFacts facts, string? watchedLabel)
    {
        var labelsWritten = false;
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (ListItemCleaner.IsServerMetadata(ref reader))
            {
                ListItemCleaner.SkipValue(ref reader);
            }
            else if (reader.ValueTextEquals("ownerReferences"u8))
            {
                // Dropped (the owners' uids exist nowhere else), but a controller owner decides whether the item is kept.
                reader.Read();
                facts.ControllerOwned = HasController(ref reader);
            }
            else if (reader.ValueTextEquals("annotations"u8))
            {
                CopyMap(ref reader, writer, "annotations"u8, ObjectCleaner.LastAppliedAnnotation, facts, null, redacted: false);
            }
            else if (reader.ValueTextEquals("labels"u8))
            {
                labelsWritten = CopyMap(ref reader, writer, "labels"u8, null, facts, watchedLabel, facts.Redacted);
            }
            else if (reader.ValueTextEquals("name"u8) || reader.ValueTextEquals("namespace"u8))
            {
                var isName = reader.ValueTextEquals("name"u8);
                JsonCopy.PropertyName(ref reader, writer);
                reader.Read();
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (isName)
                {
                    facts.Name = text;
                }
                else
                {
                    facts.Namespace = text;
                }

                JsonCopy.Value(ref reader, writer);
            }
            else
            {
                JsonCopy.PropertyName(ref reader, writer);
                reader.Read();
                JsonCopy.Value(ref reader, writer);
            }
        }

        if (facts.Redacted && !labelsWritten)
        {
            // No labels, or an empty map that ObjectCleaner removed: SecretRedactor appends a new one at the end.
            writer.WritePropertyName("labels"u8);
            WriteRedactedLabelMap(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Copies an annotations/labels map without <paramref name="drop"/>, written only once it has an entry (an empty map
    /// is removed, as ObjectCleaner does). For a redacted Secret the labels get <c>dbackup.io/redacted: "true"</c>, in
    /// place when present. A value that is not a map is copied as is, or for redacted labels replaced by the label map.
    /// </summary>
    /// <returns>Whether the property was written.</returns>
    private static bool CopyMap(ref Utf8JsonReader reader, Utf8JsonWriter writer, ReadOnlySpan<byte> field, string? drop,
        ListItemFacts facts, string? watched, bool redacted)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            writer.WritePropertyName(field);
            if (redacted)
            {
                reader.Skip();
                WriteRedactedLabelMap(writer);
            }
            else
            {
                JsonCopy.Value(ref reader, writer);
            }

            return true;
        }

        bool started = false, markSeen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (drop is not null && reader.ValueTextEquals(drop))
            {
                ListItemCleaner.SkipValue(ref reader);
                continue;
            }

            if (!started)
            {
                writer.WritePropertyName(field);
                writer.WriteStartObject();
                started = true;
            }

            var isWatched = watched is not null && reader.ValueTextEquals(watched);
            var isMark = redacted && reader.ValueTextEquals(SecretRedactor.RedactedLabel);
            JsonCopy.PropertyName(ref reader, writer);
            reader.Read();
            if (isWatched)
            {
                facts.WatchedLabelValue = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            if (isMark)
            {
                reader.Skip();
                writer.WriteStringValue("true");
                markSeen = true;
            }
            else
            {
                JsonCopy.Value(ref reader, writer);
            }
        }

        if (started)
        {
            if (redacted && !markSeen)
            {
                writer.WriteString(SecretRedactor.RedactedLabel, "true");
            }

            writer.WriteEndObject();
        }

        return started;
    }

    /// <summary><c>{"dbackup.io/redacted":"true"}</c>: the labels SecretRedactor gives a Secret that had none (or no map).</summary>
    internal static void WriteRedactedLabelMap(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(SecretRedactor.RedactedLabel, "true");
        writer.WriteEndObject();
    }

    /// <summary>Whether an ownerReferences array has an entry with <c>controller: true</c>; moves past the value.</summary>
    private static bool HasController(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        var depth = reader.CurrentDepth;
        var controller = false;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 2 && reader.ValueTextEquals("controller"u8))
            {
                reader.Read();
                controller |= reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
        }

        return controller;
    }
}
