using System.Globalization;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Patch;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Resources;

/// <summary>Where a resource keeps what the autoscaling/v1 Scale subresource shows (dotted JSON paths).</summary>
internal sealed record ScalePaths(string SpecReplicas, string StatusReplicas, string? LabelSelector);

/// <summary>
/// The /scale subresource (deployments, and CRDs that declare it): reads and writes only the replica count
/// of the parent through an autoscaling/v1 Scale, with the parent's resourceVersion as its own.
/// </summary>
internal static class ScaleSubresource
{
    public static JsonObject Get(ApiObjects objects, ResourceType rt, string ns, string name) =>
        ToScale(rt, objects.GetOrThrow(rt, ns, name).ToJson());

    public static JsonObject Update(ApiObjects objects, ResourceType rt, string version, string ns, string name, JsonObject scale, bool dryRun)
    {
        var current = objects.GetOrThrow(rt, ns, name);
        var rv = scale["metadata"].Str("resourceVersion");
        if (!string.IsNullOrEmpty(rv) && rv != ApiObjects.StoreRv(current))
            throw ApiErrors.Conflict(rt.Group, rt.Plural, name, ApiErrors.ModifiedMessage);
        var replicas = scale["spec"]?["replicas"];
        var value = replicas is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
        if (value < 0)
            throw ApiErrors.Invalid("autoscaling", "Scale", name, [FieldError.Invalid("spec.replicas", value.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0")]);
        var parent = current.ToJson();
        Set(parent, rt.Scale!.SpecReplicas, value);
        parent.Meta()["resourceVersion"] = ApiObjects.StoreRv(current);
        return ToScale(rt, objects.Update(rt, version, ns, name, parent, dryRun));
    }

    public static JsonObject Patch(ApiObjects objects, ResourceType rt, string version, string ns, string name, string contentType, byte[] body, bool dryRun)
    {
        var scale = Get(objects, rt, ns, name);
        JsonObject patched;
        try
        {
            patched = PatchApplier.Apply(scale, contentType, body, StrategicMergeKeys.ForBuiltIn("autoscaling", "Scale"));
        }
        catch (PatchException e)
        {
            throw new ApiException(e.StatusCode, e.Reason, e.Message);
        }
        return Update(objects, rt, version, ns, name, patched, dryRun);
    }

    private static JsonObject ToScale(ResourceType rt, JsonObject parent)
    {
        var meta = parent.Meta();
        var scaleMeta = new JsonObject();
        foreach (var f in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[f] is { } value) scaleMeta[f] = value.DeepClone();
        }
        var status = new JsonObject { ["replicas"] = Read(parent, rt.Scale!.StatusReplicas) ?? 0 };
        var selector = rt.Scale.LabelSelector is { } path ? Read(parent, path)?.ToString() : MatchLabels(parent);
        if (!string.IsNullOrEmpty(selector)) status["selector"] = selector;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = Read(parent, rt.Scale.SpecReplicas) ?? 0 },
            ["status"] = status,
        };
    }

    // Deployments report their selector as a label selector string built from matchLabels.
    private static string? MatchLabels(JsonObject parent) =>
        parent["spec"]?["selector"]?["matchLabels"] is JsonObject labels
            ? string.Join(",", labels.Select(l => $"{l.Key}={l.Value?.GetValue<string>()}"))
            : null;

    private static JsonNode? Read(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var segment in path.Split('.')) node = node is JsonObject o ? o[segment] : null;
        return node?.DeepClone();
    }

    private static void Set(JsonObject obj, string path, long value)
    {
        var segments = path.Split('.');
        var target = obj;
        foreach (var segment in segments[..^1]) target = target.Obj(segment);
        target[segments[^1]] = value;
    }
}
