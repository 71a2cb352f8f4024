using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Resources;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Discovery;

/// <summary>
/// Legacy (unaggregated) discovery: /version, /api, /apis, /apis/{group}, and the resource lists.
/// Requests for aggregated discovery get the legacy documents with Content-Type application/json,
/// which is how kubectl and client-go detect that they must fall back.
/// </summary>
internal sealed class DiscoveryHandler(ServerContext server)
{
    private readonly OpenApiHandler _openApi = new(server);

    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubVerbs = ["get", "patch", "update"];

    public async Task<bool> TryHandleAsync(HttpContext ctx)
    {
        var path = (ctx.Request.Path.Value ?? "/").TrimEnd('/');
        if (ctx.Request.Method != "GET" && path is "/version" or "/api" or "/apis") throw ApiErrors.MethodNotAllowed();
        switch (path)
        {
            case "/version":
                await Responses.WriteJsonAsync(ctx, 200, Version()).ConfigureAwait(false);
                return true;
            case "/api":
                await Responses.WriteJsonAsync(ctx, 200, new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = ctx.Request.Host.Value }),
                }).ConfigureAwait(false);
                return true;
            case "/apis":
                var groups = server.Registry.Groups().Where(g => g.Group.Length > 0).Select(g => (JsonNode)Group(g.Group, g.Versions)).ToArray();
                await Responses.WriteJsonAsync(ctx, 200, new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = new JsonArray(groups) }).ConfigureAwait(false);
                return true;
            case "/healthz" or "/livez" or "/readyz":
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync("ok", ctx.RequestAborted).ConfigureAwait(false);
                return true;
        }
        if (await _openApi.TryHandleAsync(ctx, path).ConfigureAwait(false)) return true;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 2 && segments[0] == "apis")
        {
            var group = server.Registry.Groups().FirstOrDefault(g => g.Group == segments[1] && g.Group.Length > 0);
            if (group.Versions is null) throw ApiErrors.PathNotFound();
            await Responses.WriteJsonAsync(ctx, 200, Group(group.Group, group.Versions)).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    /// <summary>/api/v1 or /apis/{group}/{version}: the resources with verbs, scope, kind, short names and categories.</summary>
    public async Task<bool> TryHandleResourceListAsync(HttpContext ctx, string group, string version)
    {
        var types = server.Registry.All.Where(r => r.Group == group && r.Version(version) is not null).ToList();
        if (types.Count == 0) return false;
        var resources = new JsonArray();
        foreach (var r in types.OrderBy(r => r.Plural, StringComparer.Ordinal))
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray((r.Verbs ?? Verbs).Select(v => (JsonNode)v).ToArray()),
            };
            if (r.ShortNames.Length > 0) entry["shortNames"] = new JsonArray(r.ShortNames.Select(s => (JsonNode)s).ToArray());
            if (r.Categories.Length > 0) entry["categories"] = new JsonArray(r.Categories.Select(s => (JsonNode)s).ToArray());
            entry["storageVersionHash"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(r.Key + "/" + r.StorageVersion)).AsSpan(0, 8));
            resources.Add(entry);
            if (r.HasStatus(version)) resources.Add(Sub(r, "status"));
            if (r.HasFinalize) resources.Add(Sub(r, "finalize", ["update"]));
            if (r.Scale is not null)
            {
                var scale = Sub(r, "scale");
                scale["group"] = "autoscaling";
                scale["version"] = "v1";
                scale["kind"] = "Scale";
                resources.Add(scale);
            }
        }
        await Responses.WriteJsonAsync(ctx, 200, new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        }).ConfigureAwait(false);
        return true;
    }

    private static JsonObject Sub(ResourceType r, string name, string[]? verbs = null) => new()
    {
        ["name"] = $"{r.Plural}/{name}",
        ["singularName"] = "",
        ["namespaced"] = r.Namespaced,
        ["kind"] = r.Kind,
        ["verbs"] = new JsonArray((verbs ?? SubVerbs).Select(v => (JsonNode)v).ToArray()),
    };

    private static JsonObject Group(string name, IReadOnlyList<string> versions)
    {
        JsonObject Gv(string v) => new() { ["groupVersion"] = $"{name}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = name,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)Gv(v)).ToArray()),
            ["preferredVersion"] = Gv(versions[0]),
        };
    }

    private JsonObject Version()
    {
        var v = server.Options.KubernetesVersion.TrimStart('v').Split('.');
        return new JsonObject
        {
            ["major"] = v[0],
            ["minor"] = v.Length > 1 ? v[1] : "0",
            ["gitVersion"] = server.Options.KubernetesVersion,
            ["gitCommit"] = "devcluster",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2024-12-11T00:00:00Z",
            ["goVersion"] = "go1.23.4",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }
}
