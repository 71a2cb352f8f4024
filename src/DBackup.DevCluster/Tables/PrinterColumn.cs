using System.Text.Json.Nodes;
using System.Text.Json;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Tables;

/// <summary>
/// One Table column after the implicit first <c>Name</c> column (which <see cref="TableConverter"/>
/// always adds, as both the CRD and the built-in convertors do).
/// </summary>
/// <param name="Name">Header, e.g. <c>Age</c>; kubectl upper-cases it.</param>
/// <param name="Type">OpenAPI type: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c> or <c>date</c>.</param>
/// <param name="JsonPath">Simple JSONPath into the object, e.g. <c>.status.phase</c>; ignored when <see cref="Cell"/> is set.</param>
/// <param name="Description">Column description; null gives the CRD default text.</param>
/// <param name="Priority">0 for the default view; higher only shows with <c>-o wide</c>.</param>
/// <param name="Format">Optional format hint, e.g. <c>name</c>.</param>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string? Description, int Priority, string? Format)
{
    internal const string CreationTimestampDescription =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    private JsonPathExpression? _path;

    /// <summary>
    /// Computes the cell from the object and "now" for built-in columns that are not a plain
    /// JSONPath (counts, READY x/y); null uses <see cref="JsonPath"/>.
    /// </summary>
    public Func<JsonObject, DateTimeOffset, JsonNode?>? Cell { get; init; }

    /// <summary>The parsed <see cref="JsonPath"/>.</summary>
    /// <exception cref="FormatException">The JSONPath is not supported.</exception>
    internal JsonPathExpression Path => _path ??= JsonPathExpression.Parse(JsonPath);

    /// <summary>
    /// Columns of one CRD version (an element of <c>spec.versions</c>): its
    /// <c>additionalPrinterColumns</c>, or a single <c>Age</c> date column when it has none.
    /// </summary>
    public static IReadOnlyList<PrinterColumn> ForCrd(JsonObject crdVersion)
    {
        ArgumentNullException.ThrowIfNull(crdVersion);
        if (crdVersion["additionalPrinterColumns"] is not JsonArray { Count: > 0 } defined)
        {
            return [new PrinterColumn("Age", "date", ".metadata.creationTimestamp", CreationTimestampDescription, 0, null)];
        }

        return defined.OfType<JsonObject>().Select(c =>
        {
            var path = c.Str("jsonPath") ?? "";
            var description = c.Str("description");
            return new PrinterColumn(
                c.Str("name") ?? "",
                c.Str("type") ?? "string",
                path,
                string.IsNullOrEmpty(description) ? $"Custom resource definition column (in JSONPath format): {path}" : description,
                c["priority"] is JsonValue p && p.GetValueKind() == JsonValueKind.Number ? int.Parse(p.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : 0,
                c.Str("format"));
        }).ToList();
    }

    /// <summary>
    /// The errors the apiserver rejects a CRD version's <c>additionalPrinterColumns</c> with
    /// (ValidateCustomResourceColumnDefinition), e.g.
    /// <c>spec.versions[0].additionalPrinterColumns[1].type: Invalid value: "text": must be one of boolean,date,integer,number,string</c>.
    /// </summary>
    /// <param name="crdVersion">An element of <c>spec.versions</c>.</param>
    /// <param name="versionPath">Its field path, e.g. <c>spec.versions[0]</c>.</param>
    public static IReadOnlyList<Schema.FieldError> Validate(JsonObject crdVersion, string versionPath)
    {
        ArgumentNullException.ThrowIfNull(crdVersion);
        return PrinterColumnValidation.Validate(crdVersion, versionPath ?? "");
    }

    /// <summary>
    /// kubectl-like columns for a built-in resource (plural <paramref name="resource"/> in
    /// <paramref name="group"/>, "" for core), e.g. configmaps: Data, Age. Unknown resources get Age only.
    /// </summary>
    public static IReadOnlyList<PrinterColumn> ForBuiltIn(string group, string resource) =>
        BuiltInColumns.For(group ?? "", resource ?? "");
}
