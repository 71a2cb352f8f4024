using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Http;

/// <summary>An apiserver error: carries the exact Status body (kind Status, reason, details, code).</summary>
internal sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null) status["details"] = Details.DeepClone();
        status["code"] = Code;
        return status;
    }
}

/// <summary>Builds the apiserver's standard errors (apimachinery pkg/api/errors wording).</summary>
internal static class ApiErrors
{
    public static ApiException NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{Qualified(group, resource)} \"{name}\" not found", Details(name, group, resource));

    public static ApiException AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{Qualified(group, resource)} \"{name}\" already exists", Details(name, group, resource));

    public static ApiException Conflict(string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, resource)} \"{name}\": {why}", Details(name, group, resource));

    public const string ModifiedMessage = "the object has been modified; please apply your changes to the latest version and try again";

    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var details = Details(name, group, kind);
        details["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
        {
            ["reason"] = e.CauseReason,
            ["message"] = e.Body,
            ["field"] = e.Path,
        }).ToArray());
        var list = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var qualifiedKind = group.Length == 0 ? kind : $"{kind}.{group}";
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {list}", details);
    }

    public static ApiException Forbidden(string group, string resource, string name, string why, JsonArray? causes = null)
    {
        var details = Details(name, group, resource);
        if (causes is not null) details["causes"] = causes;
        return new(403, "Forbidden", $"{Qualified(group, resource)} \"{name}\" is forbidden: {why}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static ApiException PathNotFound() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got {contentType})");

    public static string Qualified(string group, string resource) => group.Length == 0 ? resource : $"{resource}.{group}";

    private static JsonObject Details(string name, string group, string kind)
    {
        var d = new JsonObject();
        if (name.Length > 0) d["name"] = name;
        if (group.Length > 0) d["group"] = group;
        d["kind"] = kind;
        return d;
    }
}
