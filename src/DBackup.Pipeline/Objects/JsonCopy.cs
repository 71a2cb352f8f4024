using System.Buffers;
using System.Text.Json;

namespace DBackup.Pipeline.Objects;

/// <summary>
/// Token-by-token copy from a reader to a writer. Strings and names are unescaped and written again with the writer's
/// encoder and numbers are copied verbatim, which is what serialising a parsed <c>JsonNode</c> does.
/// </summary>
internal static class JsonCopy
{
    private const int StackLimit = 256;

    /// <summary>Writes the property name the reader is on.</summary>
    public static void PropertyName(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WritePropertyName(reader.ValueSpan);
            return;
        }

        byte[]? rented = null;
        var buffer = reader.ValueSpan.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length));
        try
        {
            writer.WritePropertyName(buffer[..reader.CopyString(buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Copies the value the reader is on (a scalar, or a whole object/array) and leaves the reader on its last token.</summary>
    public static void Value(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        var depth = reader.CurrentDepth;
        while (true)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                case JsonTokenType.PropertyName: PropertyName(ref reader, writer); break;
                case JsonTokenType.String: String(ref reader, writer); break;
                case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                case JsonTokenType.Null: writer.WriteNullValue(); break;
                default: throw new JsonException($"unexpected JSON token {reader.TokenType}");
            }

            if (reader.CurrentDepth == depth && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                return;
            }

            if (!reader.Read())
            {
                throw new JsonException("the JSON ends inside a value");
            }
        }
    }

    private static void String(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteStringValue(reader.ValueSpan);
            return;
        }

        byte[]? rented = null;
        var buffer = reader.ValueSpan.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length));
        try
        {
            writer.WriteStringValue(buffer[..reader.CopyString(buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
