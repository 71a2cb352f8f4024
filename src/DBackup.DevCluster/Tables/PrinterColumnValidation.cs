using System.Text.Json.Nodes;
using System.Text.Json;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Tables;

/// <summary>apiextensions' ValidateCustomResourceColumnDefinition, with its wording.</summary>
internal static class PrinterColumnValidation
{
    private const string Types = "boolean,date,integer,number,string";
    private const string Formats = "byte,date,date-time,double,float,int32,int64,password";

    public static IReadOnlyList<FieldError> Validate(JsonObject crdVersion, string versionPath)
    {
        var errors = new List<FieldError>();
        if (crdVersion["additionalPrinterColumns"] is not JsonArray columns)
        {
            return errors;
        }

        for (var i = 0; i < columns.Count; i++)
        {
            var path = $"{versionPath}.additionalPrinterColumns[{i}]";
            var column = columns[i] as JsonObject ?? [];
            if (string.IsNullOrEmpty(column.Str("name")))
            {
                errors.Add(FieldError.Required(path + ".name"));
            }

            var type = column.Str("type") ?? "";
            if (type.Length == 0)
            {
                errors.Add(new FieldError(path + ".type", FieldErrorTypes.Required, "must be one of " + Types, null));
            }
            else if (!Types.Split(',').Contains(type))
            {
                errors.Add(FieldError.Invalid(path + ".type", FieldError.Quote(type), "must be one of " + Types));
            }

            var format = column.Str("format") ?? "";
            if (format.Length > 0 && !Formats.Split(',').Contains(format))
            {
                errors.Add(FieldError.Invalid(path + ".format", FieldError.Quote(format), "must be one of " + Formats));
            }

            var jsonPath = column.Str("jsonPath") ?? "";
            if (jsonPath.Length == 0)
            {
                errors.Add(FieldError.Required(path + ".JSONPath"));
            }
            else if (jsonPath[0] != '.')
            {
                errors.Add(FieldError.Invalid(path + ".JSONPath", FieldError.Quote(jsonPath), "must be a simple json path starting with ."));
            }
        }

        return errors;
    }
}
