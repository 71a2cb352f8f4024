using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Http;

/// <summary>Writes JSON bodies the way the apiserver does (application/json, no BOM).</summary>
internal static class Responses
{
    public static async Task WriteJsonAsync(HttpContext ctx, int status, JsonNode body, string contentType = "application/json")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        await using var writer = new Utf8JsonWriter(ctx.Response.BodyWriter.AsStream());
        body.WriteTo(writer);
        await writer.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteErrorAsync(HttpContext ctx, ApiException e) => WriteJsonAsync(ctx, e.Code, e.ToStatus());

    /// <summary>The Success Status a DELETE returns for resources that do not return the object.</summary>
    public static JsonObject SuccessStatus(string group, string plural, string name, string? uid)
    {
        var details = new JsonObject { ["name"] = name };
        if (group.Length > 0) details["group"] = group;
        details["kind"] = plural;
        if (uid is not null) details["uid"] = uid;
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        var bytes = await ReadBodyAsync(ctx).ConfigureAwait(false);
        var type = ctx.Request.ContentType ?? "application/json";
        if (type.StartsWith(Protobuf.ProtobufDecoder.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Protobuf.ProtobufDecoder.Decode(bytes);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw ApiErrors.BadRequest($"the protobuf body could not be decoded: {e.Message}");
            }
        }
        if (!type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("*/*", StringComparison.Ordinal))
            throw ApiErrors.UnsupportedMediaType(type);
        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw ApiErrors.BadRequest("the body of the request must be a JSON object");
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"the object provided is unrecognized: {e.Message}");
        }
    }

    public static async Task<byte[]> ReadBodyAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
        return ms.ToArray();
    }
}
