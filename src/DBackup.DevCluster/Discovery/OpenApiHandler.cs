using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Resources;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Discovery;

/// <summary>
/// A skeleton OpenAPI v3: per group-version documents that list each resource's PATCH operation with its
/// x-kubernetes-group-version-kind and the fieldValidation parameter, plus CRD schemas (built-ins have none). That is what
/// kubectl reads to decide on server-side field validation; without schemas it computes strategic merge
/// patches from its compiled-in types, as it does for servers without OpenAPI. /openapi/v2 answers 404.
/// </summary>
internal sealed class OpenApiHandler(ServerContext server)
{
    public async Task<bool> TryHandleAsync(HttpContext ctx, string path)
    {
        if (path == "/openapi/v3")
        {
            var paths = new JsonObject();
            foreach (var (gvPath, doc) in Documents())
                paths[gvPath] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gvPath}?hash={Hash(doc)}" };
            await Responses.WriteJsonAsync(ctx, 200, new JsonObject { ["paths"] = paths }).ConfigureAwait(false);
            return true;
        }
        if (!path.StartsWith("/openapi/v3/", StringComparison.Ordinal)) return false;
        var wanted = path["/openapi/v3/".Length..];
        foreach (var (gvPath, doc) in Documents())
        {
            if (gvPath != wanted) continue;
            await Responses.WriteJsonAsync(ctx, 200, doc).ConfigureAwait(false);
            return true;
        }
        throw ApiErrors.PathNotFound();
    }

    private IEnumerable<(string Path, JsonObject Doc)> Documents()
    {
        foreach (var (group, versions) in server.Registry.Groups())
        {
            foreach (var version in versions)
            {
                var prefix = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
                var paths = new JsonObject();
                var schemas = new JsonObject();
                foreach (var rt in server.Registry.All.Where(r => r.Group == group && r.Version(version) is not null))
                {
                    // CRDs carry their own schema; kubectl explain finds it by the GVK extension (an array on schemas).
                    if (rt.Version(version)?.CrdVersion?["schema"]?["openAPIV3Schema"] is JsonObject crdSchema)
                    {
                        var schema = (JsonObject)crdSchema.DeepClone();
                        schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = group, ["kind"] = rt.Kind, ["version"] = version });
                        schemas[$"{ReverseDomain(group)}.{version}.{rt.Kind}"] = schema;
                    }
                    var item = rt.Namespaced ? $"/{prefix}/namespaces/{{namespace}}/{rt.Plural}/{{name}}" : $"/{prefix}/{rt.Plural}/{{name}}";
                    paths[item] = new JsonObject
                    {
                        ["patch"] = new JsonObject
                        {
                            ["operationId"] = $"patch{rt.Kind}",
                            ["parameters"] = new JsonArray(
                                new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                                new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                            ["responses"] = new JsonObject(),
                            ["x-kubernetes-action"] = "patch",
                            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["kind"] = rt.Kind, ["version"] = version },
                        },
                    };
                }
                yield return (prefix, new JsonObject
                {
                    ["openapi"] = "3.0.0",
                    ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = server.Options.KubernetesVersion },
                    ["paths"] = paths,
                    ["components"] = new JsonObject { ["schemas"] = schemas },
                });
            }
        }
    }

    // OpenAPI definition names use the reversed group: widgets.example.com -> com.example.
    private static string ReverseDomain(string group) => string.Join('.', group.Split('.').Reverse());

    private static string Hash(JsonObject doc) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(doc.ToJsonString()))).ToLowerInvariant()[..32];
}
