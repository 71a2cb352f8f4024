using System.Text.Json.Nodes;
using DBackup.DevCluster.Discovery;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Watch;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Http;

/// <summary>The single terminal endpoint: routes every request to discovery or to a resource verb.</summary>
internal sealed partial class ApiHandler(ServerContext server, ApiObjects objects, WatchHandler watches, DiscoveryHandler discovery)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            if (await discovery.TryHandleAsync(ctx).ConfigureAwait(false)) return;
            var route = ApiRoute.Parse(ctx.Request.Path.Value ?? "/") ?? throw ApiErrors.PathNotFound();
            if (route.Resource is null)
            {
                if (!await discovery.TryHandleResourceListAsync(ctx, route.Group, route.Version).ConfigureAwait(false)) throw ApiErrors.PathNotFound();
                return;
            }
            var rt = server.Registry.Find(route.Group, route.Version, route.Resource) ?? throw ApiErrors.PathNotFound();
            if (rt.Answer is not null)
            {
                await AnswerReviewAsync(ctx, rt, route).ConfigureAwait(false);
                return;
            }
            await DispatchAsync(ctx, route, rt).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted) await Responses.WriteErrorAsync(ctx, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing left to answer.
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Text.Json.JsonException && !ctx.Response.HasStarted)
        {
            // A field of the wrong JSON type (e.g. a YAML boolean in Secret.stringData): the apiserver's decoder answers 400.
            await Responses.WriteErrorAsync(ctx, ApiErrors.BadRequest($"the object provided is unrecognized or has a field of the wrong type: {e.Message}")).ConfigureAwait(false);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            await Responses.WriteErrorAsync(ctx, new ApiException(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}")).ConfigureAwait(false);
        }
    }

    private async Task DispatchAsync(HttpContext ctx, ApiRoute route, ResourceType rt)
    {
        if (!rt.Namespaced && route.Namespace is not null) throw ApiErrors.PathNotFound();
        var ns = route.Namespace ?? "";
        var sub = route.Subresource;
        if (sub is not null && !(sub == "status" && rt.HasStatus(route.Version)) && !(sub == "finalize" && rt.HasFinalize)
            && !(sub == "scale" && rt.Scale is not null))
            throw ApiErrors.PathNotFound();
        var q = ctx.Request.Query;
        var dryRun = ParseDryRun(q["dryRun"]);
        var fields = FieldCheck.Parse(q["fieldValidation"].FirstOrDefault());
        if (sub == "scale" && route.Name is not null)
        {
            await ScaleAsync(ctx, rt, route.Version, ns, route.Name, dryRun).ConfigureAwait(false);
            return;
        }
        var method = ctx.Request.Method;
        if (route.Name is null)
        {
            var clusterWide = rt.Namespaced && route.Namespace is null;
            switch (method)
            {
                case "GET" when IsTrue(q["watch"]):
                    await watches.ServeAsync(ctx, rt, route.Version, ns).ConfigureAwait(false);
                    return;
                case "GET":
                    await ListAsync(ctx, rt, route.Version, ns).ConfigureAwait(false);
                    return;
                case "POST" when !clusterWide:
                    var created = objects.Create(rt, route.Version, ns, await Responses.ReadObjectAsync(ctx).ConfigureAwait(false), dryRun, fields);
                    AddWarnings(ctx, fields);
                    await Responses.WriteJsonAsync(ctx, 201, created).ConfigureAwait(false);
                    return;
                case "DELETE" when !clusterWide:
                    await DeleteCollectionAsync(ctx, rt, route.Version, ns, dryRun).ConfigureAwait(false);
                    return;
                default:
                    throw ApiErrors.MethodNotAllowed();
            }
        }
        switch (method)
        {
            case "GET" when sub != "finalize":
                await WriteObjectAsync(ctx, 200, ApiObjects.Output(objects.GetOrThrow(rt, ns, route.Name), rt, route.Version), rt, route.Version).ConfigureAwait(false);
                return;
            case "PUT":
                var updated = objects.Update(rt, route.Version, ns, route.Name, await Responses.ReadObjectAsync(ctx).ConfigureAwait(false), dryRun, sub, fields);
                AddWarnings(ctx, fields);
                await Responses.WriteJsonAsync(ctx, 200, updated).ConfigureAwait(false);
                return;
            case "PATCH" when sub != "finalize":
                var body = await Responses.ReadBodyAsync(ctx).ConfigureAwait(false);
                var patched = objects.Patch(rt, route.Version, ns, route.Name, ctx.Request.ContentType ?? "", body, dryRun, sub, fields);
                AddWarnings(ctx, fields);
                await Responses.WriteJsonAsync(ctx, 200, patched).ConfigureAwait(false);
                return;
            case "DELETE" when sub is null:
                await DeleteAsync(ctx, rt, route.Version, ns, route.Name, dryRun).ConfigureAwait(false);
                return;
            default:
                throw ApiErrors.MethodNotAllowed();
        }
    }

    // Reviews are answered, never stored: POST on the collection echoes the spec with a computed status.
    private static async Task AnswerReviewAsync(HttpContext ctx, ResourceType rt, ApiRoute route)
    {
        if (ctx.Request.Method != "POST" || route.Name is not null || route.Namespace is not null) throw ApiErrors.MethodNotAllowed();
        var review = await Responses.ReadObjectAsync(ctx).ConfigureAwait(false);
        review["apiVersion"] = rt.ApiVersion(route.Version);
        review["kind"] = rt.Kind;
        review["metadata"] ??= new JsonObject();
        review["status"] = rt.Answer!(review);
        await Responses.WriteJsonAsync(ctx, 201, review).ConfigureAwait(false);
    }

    private async Task ScaleAsync(HttpContext ctx, ResourceType rt, string version, string ns, string name, bool dryRun)
    {
        var scale = ctx.Request.Method switch
        {
            "GET" => ScaleSubresource.Get(objects, rt, ns, name),
            "PUT" => ScaleSubresource.Update(objects, rt, version, ns, name, await Responses.ReadObjectAsync(ctx).ConfigureAwait(false), dryRun),
            "PATCH" => ScaleSubresource.Patch(objects, rt, version, ns, name, ctx.Request.ContentType ?? "", await Responses.ReadBodyAsync(ctx).ConfigureAwait(false), dryRun),
            _ => throw ApiErrors.MethodNotAllowed(),
        };
        await Responses.WriteJsonAsync(ctx, 200, scale).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext ctx, ResourceType rt, string version, string ns, string name, bool dryRun)
    {
        var request = await ReadDeleteRequestAsync(ctx, dryRun).ConfigureAwait(false);
        var result = objects.Delete(rt, version, ns, name, request);
        if (result.Deleted && !rt.ReturnDeletedObject)
        {
            await Responses.WriteJsonAsync(ctx, 200, Responses.SuccessStatus(rt.Group, rt.Plural, name, result.Object["metadata"].Str("uid"))).ConfigureAwait(false);
            return;
        }
        await Responses.WriteJsonAsync(ctx, 200, result.Object).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext ctx, ResourceType rt, string version, string ns, bool dryRun)
    {
        var request = await ReadDeleteRequestAsync(ctx, dryRun).ConfigureAwait(false);
        var labels = LabelSelector.Parse(ctx.Request.Query["labelSelector"]);
        var fields = FieldSelector.Parse(ctx.Request.Query["fieldSelector"], rt);
        var deleted = objects.DeleteCollection(rt, version, ns, o => labels.Matches(o.Labels) && fields.Matches(o), request);
        var list = new JsonObject
        {
            ["kind"] = rt.ListKind,
            ["apiVersion"] = rt.ApiVersion(version),
            ["metadata"] = new JsonObject { ["resourceVersion"] = server.Store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray(deleted.Select(d => (JsonNode)d).ToArray()),
        };
        await Responses.WriteJsonAsync(ctx, 200, list).ConfigureAwait(false);
    }

    private static async Task<DeleteRequest> ReadDeleteRequestAsync(HttpContext ctx, bool dryRun)
    {
        var q = ctx.Request.Query;
        string? propagation = q["propagationPolicy"].FirstOrDefault(), uid = null, rv = null;
        var orphan = q["orphanDependents"].FirstOrDefault();
        var bytes = await Responses.ReadBodyAsync(ctx).ConfigureAwait(false);
        if (bytes.Length > 0 && JsonNode.Parse(bytes) is JsonObject body)
        {
            propagation = body.Str("propagationPolicy") ?? propagation;
            uid = body["preconditions"].Str("uid");
            rv = body["preconditions"].Str("resourceVersion");
            dryRun |= body["dryRun"] is JsonArray a && a.Any(d => d?.GetValue<string>() == "All");
            if (body["orphanDependents"] is JsonValue o) orphan = o.ToJsonString();
        }
        if (propagation is null && orphan is not null) propagation = orphan == "true" ? "Orphan" : "Background";
        if (propagation is not (null or "Orphan" or "Foreground" or "Background"))
            throw ApiErrors.BadRequest($"propagationPolicy: Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        return new DeleteRequest(propagation, uid, rv, dryRun);
    }

    private static bool ParseDryRun(Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var v in values)
        {
            if (v != "All") throw ApiErrors.BadRequest($"dryRun: Unsupported value: \"{v}\": supported values: \"All\"");
        }
        return values.Count > 0;
    }

    // Warn-level field validation answers with RFC 7234 warning headers, as the apiserver does.
    private static void AddWarnings(HttpContext ctx, FieldCheck fields)
    {
        foreach (var w in fields.Warnings) ctx.Response.Headers.Append("Warning", "299 - \"" + w.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
    }

    internal static bool IsTrue(Microsoft.Extensions.Primitives.StringValues v) => v.FirstOrDefault() is "true" or "1";
}
