using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Tables;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Http;

internal sealed partial class ApiHandler
{
    private const string TableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    /// <summary>kubectl asks for <c>application/json;as=Table;v=v1;g=meta.k8s.io</c> (first in its Accept list).</summary>
    internal static bool WantsTable(HttpContext ctx)
    {
        var accept = ctx.Request.Headers.Accept.ToString();
        return accept.Contains("as=Table", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal);
    }

    internal static IReadOnlyList<PrinterColumn> Columns(ResourceType rt, string version) =>
        rt.Version(version)?.CrdVersion is { } crdVersion ? PrinterColumn.ForCrd(crdVersion) : PrinterColumn.ForBuiltIn(rt.Group, rt.Plural);

    internal static IncludeObjectPolicy IncludeObject(HttpContext ctx) => ctx.Request.Query["includeObject"].FirstOrDefault() switch
    {
        "None" => IncludeObjectPolicy.None,
        "Object" => IncludeObjectPolicy.Object,
        _ => IncludeObjectPolicy.Metadata,
    };

    internal static JsonObject ToTable(HttpContext ctx, ResourceType rt, string version, IReadOnlyList<JsonObject> objects, JsonObject listMeta, bool noHeaders) =>
        TableConverter.ToTable(objects, Columns(rt, version), listMeta, IncludeObject(ctx), noHeaders);

    private static Task WriteTableAsync(HttpContext ctx, ResourceType rt, string version, IReadOnlyList<JsonObject> objects, JsonObject listMeta) =>
        Responses.WriteJsonAsync(ctx, 200, ToTable(ctx, rt, version, objects, listMeta, noHeaders: false), TableContentType);

    private static Task WriteObjectAsync(HttpContext ctx, int status, JsonObject obj, ResourceType rt, string version) =>
        WantsTable(ctx)
            ? Responses.WriteJsonAsync(ctx, status, ToTable(ctx, rt, version, [obj], new JsonObject { ["resourceVersion"] = obj["metadata"]?["resourceVersion"]?.DeepClone() }, noHeaders: false), TableContentType)
            : Responses.WriteJsonAsync(ctx, status, obj);
}
