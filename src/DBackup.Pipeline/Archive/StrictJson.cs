using System.Text.Json;
using System.Text.Unicode;

namespace DBackup.Pipeline.Archive;

/// <summary>
/// The JSON a backup may hold: valid UTF-8, nested at most <see cref="MaxDepth"/> levels, no property name twice
/// in one object (compared after unescaping), and no escaped UTF-16 surrogate without its pair. What the
/// backup writer stores from an API server always holds; anything else is a hand-made or tampered file that
/// different parsers would read differently (one keeps the first duplicate, another the last; one replaces
/// invalid bytes, another fails), so the reader refuses it instead of guessing.
/// </summary>
internal static class StrictJson
{
    /// <summary>
    /// Deepest nesting accepted: System.Text.Json's default, which every later parse of the object (restore, export)
    /// uses, and more than the writer can store (it reads list pages with that bound, each item two levels down).
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>Reader options with the depth bound.</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>Refuses bytes that are not valid UTF-8.</summary>
    /// <exception cref="InvalidBackupException">They are not.</exception>
    public static void CheckUtf8(ReadOnlySpan<byte> json, string what)
    {
        if (!Utf8.IsValid(json))
        {
            throw new InvalidBackupException($"{what} is not valid UTF-8");
        }
    }

    /// <summary>
    /// Deserializes a strict document (manifest.json, meta.json) with <see cref="BackupMeta.JsonOptions"/>, which
    /// refuse duplicate properties; invalid UTF-8 and escaped lone surrogates are refused too.
    /// </summary>
    /// <exception cref="InvalidBackupException">The JSON is malformed or not strict; the message starts with <paramref name="invalid"/>.</exception>
    public static T? Deserialize<T>(ReadOnlySpan<byte> json, string invalid)
    {
        if (!Utf8.IsValid(json))
        {
            throw new InvalidBackupException($"{invalid}: it is not valid UTF-8");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, BackupMeta.JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidBackupException($"{invalid}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // A string with an escaped surrogate that has no pair cannot become a .NET string.
            throw new InvalidBackupException($"{invalid}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Checks an escaped string token: it must unescape to valid Unicode (an escaped lone surrogate such as
    /// <c>\ud800</c> does not). Unescaped tokens need no check: the whole document was checked as UTF-8.
    /// </summary>
    /// <exception cref="InvalidBackupException">It does not.</exception>
    public static void CheckEscapedString(ref Utf8JsonReader reader, string what)
    {
        if (!reader.ValueIsEscaped || reader.ValueSpan.IndexOf("\\u"u8) < 0)
        {
            return;
        }

        try
        {
            // Unescaping fails on a surrogate without its pair; the result is at most as long as the escaped text.
            var length = reader.ValueSpan.Length;
            var buffer = length <= 256 ? stackalloc byte[length] : new byte[length];
            reader.CopyString(buffer);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidBackupException($"{what} has a string that is not valid Unicode ({ex.Message.TrimEnd('.')})", ex);
        }
    }
}
