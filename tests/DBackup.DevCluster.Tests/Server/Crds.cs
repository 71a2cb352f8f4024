using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace DBackup.DevCluster.Tests.Server;

/// <summary>Test CRDs: a "Widget" kind in a unique group, with a schema, printer columns and optional status subresource.</summary>
internal static class Crds
{
    public const string Version = "v1";

    public static string UniqueGroup() => $"g{Guid.NewGuid().ToString("N")[..8]}.example.com";

    public static JsonObject WidgetSchema() => (JsonObject)JsonNode.Parse("""
        {
          "type": "object",
          "properties": {
            "spec": {
              "type": "object",
              "required": ["size"],
              "properties": {
                "size": { "type": "integer", "minimum": 1, "maximum": 10 },
                "color": { "type": "string", "enum": ["red", "blue"] },
                "mode": { "type": "string", "default": "auto" },
                "name": { "type": "string", "pattern": "^[a-z]+$" },
                "free": { "type": "object", "x-kubernetes-preserve-unknown-fields": true }
              }
            },
            "status": {
              "type": "object",
              "properties": { "phase": { "type": "string" }, "observed": { "type": "integer" } }
            }
          }
        }
        """)!;

    /// <summary>Creates the CRD and waits until it is Established.</summary>
    public static async Task<string> CreateWidgetCrdAsync(IKubernetes client, bool namespaced = true, bool statusSubresource = true, string? group = null, string[]? extraVersions = null)
    {
        group ??= UniqueGroup();
        var versions = new JsonArray();
        foreach (var v in new[] { Version }.Concat(extraVersions ?? []))
        {
            var version = new JsonObject
            {
                ["name"] = v,
                ["served"] = true,
                ["storage"] = v == Version,
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = WidgetSchema() },
                ["additionalPrinterColumns"] = JsonNode.Parse("""[{"name":"Size","type":"integer","jsonPath":".spec.size"},{"name":"Phase","type":"string","jsonPath":".status.phase"}]"""),
            };
            if (statusSubresource) version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
            versions.Add(version);
        }
        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"widgets.{group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["scope"] = namespaced ? "Namespaced" : "Cluster",
                ["names"] = new JsonObject { ["plural"] = "widgets", ["singular"] = "widget", ["kind"] = "Widget", ["shortNames"] = new JsonArray("wd") },
                ["versions"] = versions,
            },
        };
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesJson.Deserialize<V1CustomResourceDefinition>(crd.ToJsonString()));
        await Some.EventuallyAsync(async () =>
        {
            var c = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"widgets.{group}");
            return c.Status?.Conditions?.Any(x => x.Type == "Established" && x.Status == "True") == true;
        }, "CRD established");
        return group;
    }

    public static JsonObject Widget(string name, int size = 2, string? color = null)
    {
        var spec = new JsonObject { ["size"] = size };
        if (color is not null) spec["color"] = color;
        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
    }

    public static JsonObject WithType(this JsonObject o, string group, string version = Version)
    {
        o["apiVersion"] = $"{group}/{version}";
        o["kind"] = "Widget";
        return o;
    }

    public static JsonObject ToNode(object o) => (JsonObject)JsonNode.Parse(((JsonElement)o).GetRawText())!;

    public static async Task<JsonObject> CreateAsync(IKubernetes client, string group, string ns, JsonObject widget) =>
        ToNode(await client.CustomObjects.CreateNamespacedCustomObjectAsync(widget.WithType(group), group, Version, ns, "widgets"));

    public static async Task<JsonObject> GetAsync(IKubernetes client, string group, string ns, string name) =>
        ToNode(await client.CustomObjects.GetNamespacedCustomObjectAsync(group, Version, ns, "widgets", name));
}
