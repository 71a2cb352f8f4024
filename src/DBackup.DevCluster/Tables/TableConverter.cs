using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Tables;

/// <summary>
/// Renders objects as a <c>meta.k8s.io/v1</c> Table, the response kubectl asks for with
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>.
/// </summary>
/// <remarks>
/// Mirrors apiextensions' tableconvertor: a <c>Name</c> column first (unless a computed built-in
/// column already has format <c>name</c>, as events' wide-only Name column does), then the given columns;
/// <c>date</c> cells become ages (<c>5m</c>) on the server, missing values become null cells
/// (kubectl prints <c>&lt;none&gt;</c>), <c>string</c> cells print the first JSONPath match.
/// </remarks>
internal static class TableConverter
{
    internal const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    /// <summary>Builds the Table for a list (or, with one object, for a get or a watch event).</summary>
    /// <param name="objects">The objects, in list order.</param>
    /// <param name="columns">Columns after Name, e.g. from <see cref="PrinterColumn.ForCrd"/>.</param>
    /// <param name="listMetadata">List metadata to copy (<c>resourceVersion</c>, <c>continue</c>, <c>remainingItemCount</c>).</param>
    /// <param name="includeObject">What each row's <c>object</c> holds.</param>
    /// <param name="noHeaders">Omit <c>columnDefinitions</c> (TableOptions <c>noHeaders</c>, used for watch events after the first).</param>
    /// <param name="now">Clock for ages; defaults to the current UTC time.</param>
    public static JsonObject ToTable(
        IReadOnlyList<JsonObject> objects,
        IReadOnlyList<PrinterColumn> columns,
        JsonObject listMetadata,
        IncludeObjectPolicy includeObject,
        bool noHeaders = false,
        DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(columns);
        var at = now ?? DateTimeOffset.UtcNow;
        var metadata = new JsonObject();
        foreach (var key in new[] { "resourceVersion", "continue", "remainingItemCount" })
        {
            if (listMetadata?[key] is { } value)
            {
                metadata[key] = value.DeepClone();
            }
        }

        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
        };
        if (!noHeaders)
        {
            table["columnDefinitions"] = ColumnDefinitions(columns);
        }

        table["rows"] = new JsonArray(objects.Select(o => (JsonNode)Row(o, columns, includeObject, at)).ToArray());
        return table;
    }

    /// <summary>Parses the <c>includeObject</c> query value (case-sensitive like the server; empty means Metadata).</summary>
    /// <exception cref="FormatException">The value is not None, Metadata or Object.</exception>
    public static IncludeObjectPolicy ParseIncludeObject(string? value) => value switch
    {
        null or "" or "Metadata" => IncludeObjectPolicy.Metadata,
        "None" => IncludeObjectPolicy.None,
        "Object" => IncludeObjectPolicy.Object,
        _ => throw new FormatException($"includeObject: Unsupported value: \"{value}\": supported values: \"None\", \"Metadata\", \"Object\""),
    };

    /// <summary>The age cell for a creationTimestamp, <c>&lt;unknown&gt;</c> when it is absent.</summary>
    internal static JsonNode AgeOf(JsonNode? timestamp, DateTimeOffset now) =>
        timestamp is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? DateCell(v.GetValue<string>(), now)
            : "<unknown>";

    private static JsonArray ColumnDefinitions(IReadOnlyList<PrinterColumn> columns)
    {
        var defs = new JsonArray();
        if (!HasOwnNameColumn(columns))
        {
            defs.Add(Definition("Name", "string", "name", NameDescription, 0));
        }

        foreach (var c in columns)
        {
            defs.Add(Definition(c.Name, c.Type, c.Format ?? "", c.Description ?? $"Custom resource definition column (in JSONPath format): {c.JsonPath}", c.Priority));
        }

        return defs;
    }

    private static bool HasOwnNameColumn(IReadOnlyList<PrinterColumn> columns) =>
        columns.Any(c => c.Format == "name" && c.Cell is not null);

    private static JsonObject Definition(string name, string type, string format, string description, int priority) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = priority,
    };

    private static JsonObject Row(JsonObject obj, IReadOnlyList<PrinterColumn> columns, IncludeObjectPolicy include, DateTimeOffset now)
    {
        var cells = new JsonArray();
        if (!HasOwnNameColumn(columns))
        {
            cells.Add(obj["metadata"]?["name"]?.DeepClone());
        }

        foreach (var column in columns)
        {
            cells.Add(column.Cell is { } compute ? compute(obj, now) : Cell(obj, column, now));
        }

        var row = new JsonObject { ["cells"] = cells };
        switch (include)
        {
            case IncludeObjectPolicy.Object:
                row["object"] = obj.DeepClone();
                break;
            case IncludeObjectPolicy.Metadata:
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
                };
                break;
        }

        return row;
    }

    private static JsonNode? Cell(JsonObject obj, PrinterColumn column, DateTimeOffset now)
    {
        IReadOnlyList<JsonNode?> results;
        try
        {
            results = column.Path.Evaluate(obj);
        }
        catch (FormatException)
        {
            // A path the evaluator cannot read renders as missing rather than failing the whole list.
            return null;
        }

        if (results.Count == 0 || results[0] is not { } value)
        {
            return null;
        }

        var kind = value.GetValueKind();
        return column.Type switch
        {
            "string" => JsonPathExpression.Print(value),
            "integer" when kind == JsonValueKind.Number => (long)Number(value),
            "number" when kind == JsonValueKind.Number => Number(value),
            "boolean" when kind is JsonValueKind.True or JsonValueKind.False => value.DeepClone(),
            "date" when kind == JsonValueKind.String => DateCell(value.GetValue<string>(), now),
            _ => null,
        };
    }

    private static double Number(JsonNode value) => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static JsonNode DateCell(string text, DateTimeOffset now) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? HumanDuration.Format(now - t)
            : "<invalid>";
}
