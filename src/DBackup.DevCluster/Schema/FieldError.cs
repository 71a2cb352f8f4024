using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// One field-level validation failure, shaped like apimachinery's <c>field.Error</c> so that
/// <see cref="ToString"/> matches the wording kube-apiserver puts into a 422 Status message and
/// into <c>details.causes</c>.
/// </summary>
/// <param name="Path">Field path such as <c>spec.items[0].name</c>.</param>
/// <param name="Type">
/// Error type text as the apiserver prints it: <c>Required value</c>, <c>Invalid value</c>,
/// <c>Unsupported value</c>, <c>Too long</c>, <c>Too many</c>, <c>Duplicate value</c>.
/// </param>
/// <param name="Message">Detail text; empty when the type says it all (e.g. Required value).</param>
/// <param name="BadValue">Already rendered bad value (strings quoted), or null when the type omits it.</param>
internal sealed record FieldError(string Path, string Type, string Message, string? BadValue)
{
    /// <summary>The <c>reason</c> used in Status <c>details.causes</c> (apimachinery's FieldValue* names).</summary>
    public string CauseReason => Type switch
    {
        FieldErrorTypes.Required => "FieldValueRequired",
        FieldErrorTypes.NotSupported => "FieldValueNotSupported",
        FieldErrorTypes.TooLong => "FieldValueTooLong",
        FieldErrorTypes.TooMany => "FieldValueTooMany",
        FieldErrorTypes.Duplicate => "FieldValueDuplicate",
        FieldErrorTypes.Forbidden => "FieldValueForbidden",
        _ => "FieldValueInvalid",
    };

    /// <summary>The message without the leading path (apimachinery's <c>ErrorBody</c>).</summary>
    public string Body
    {
        get
        {
            var s = BadValue is null ? Type : $"{Type}: {BadValue}";
            return Message.Length == 0 ? s : $"{s}: {Message}";
        }
    }

    /// <summary>Formats as <c>path: Type: badValue: message</c>, the apiserver's wording.</summary>
    public override string ToString() => $"{Path}: {Body}";

    internal static FieldError Required(string path) => new(path, FieldErrorTypes.Required, "", null);

    internal static FieldError Invalid(string path, JsonNode? value, string message) =>
        new(path, FieldErrorTypes.Invalid, message, Render(value));

    internal static FieldError Invalid(string path, string renderedValue, string message) =>
        new(path, FieldErrorTypes.Invalid, message, renderedValue);

    internal static FieldError NotSupported(string path, JsonNode? value, IEnumerable<string> supported) =>
        new(path, FieldErrorTypes.NotSupported,
            "supported values: " + string.Join(", ", supported.Select(Quote)), Render(value));

    internal static FieldError TooLong(string path, long max) =>
        new(path, FieldErrorTypes.TooLong, $"may not be more than {max} {(max == 1 ? "byte" : "bytes")}", null);

    internal static FieldError TooMany(string path, long actual, long max) =>
        new(path, FieldErrorTypes.TooMany, $"must have at most {max} {(max == 1 ? "item" : "items")}",
            actual.ToString(CultureInfo.InvariantCulture));

    internal static FieldError Duplicate(string path, JsonNode? value) =>
        new(path, FieldErrorTypes.Duplicate, "", Render(value));

    /// <summary>Renders a value like Go's field.Error: strings quoted, scalars plain, the rest as JSON.</summary>
    internal static string Render(JsonNode? value) => value switch
    {
        null => "\"null\"",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        _ => value.ToJsonString(QuoteOptions),
    };

    /// <summary>Quotes like Go's <c>%q</c> for the printable strings that matter here.</summary>
    internal static string Quote(string s) => JsonSerializer.Serialize(s, QuoteOptions);

    private static readonly JsonSerializerOptions QuoteOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>The apiserver's field error type strings.</summary>
internal static class FieldErrorTypes
{
    internal const string Required = "Required value";
    internal const string Invalid = "Invalid value";
    internal const string NotSupported = "Unsupported value";
    internal const string TooLong = "Too long";
    internal const string TooMany = "Too many";
    internal const string Duplicate = "Duplicate value";
    internal const string Forbidden = "Forbidden";
}
