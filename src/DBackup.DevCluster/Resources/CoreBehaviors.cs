using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Resources;

/// <summary>ConfigMap and Secret share key validation and the <c>immutable</c> flag.</summary>
internal partial class DataBehavior(bool secret) : ResourceBehavior
{
    private const string ImmutableMsg = "field is immutable when `immutable` is set";

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    public override void PrepareForCreate(JsonObject obj, ServerContext server) => Fold(obj);

    public override void PrepareForUpdate(JsonObject obj, JsonObject old) => Fold(obj);

    private const long MaxDataBytes = 1024 * 1024;

    public override IEnumerable<FieldError> Validate(JsonObject obj)
    {
        // Values count decoded: Secret data and binaryData hold base64 of the real bytes.
        var total = 0L;
        foreach (var field in new[] { "data", "binaryData" })
        {
            if (obj[field] is not JsonObject values) continue;
            var base64 = secret || field == "binaryData";
            total += values.Sum(v => (long)v.Key.Length + (v.Value?.GetValue<string>() is { } text ? (base64 ? text.Length / 4 * 3 : System.Text.Encoding.UTF8.GetByteCount(text)) : 0));
        }
        if (total > MaxDataBytes) yield return FieldError.TooLong("data", MaxDataBytes);
        foreach (var field in secret ? new[] { "data" } : ["data", "binaryData"])
        {
            if (obj[field] is not JsonObject data) continue;
            foreach (var (key, _) in data)
            {
                if (!ConfigKey().IsMatch(key) || key is "." or "..")
                    yield return FieldError.Invalid($"{field}[{key}]", FieldError.Quote(key), "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
                if (!secret && field == "binaryData" && obj["data"] is JsonObject d && d.ContainsKey(key))
                    yield return FieldError.Invalid($"data[{key}]", FieldError.Quote(key), "duplicate of key present in binaryData");
            }
        }
    }

    public override IEnumerable<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        if (secret && obj.Str("type") != old.Str("type"))
            yield return FieldError.Invalid("type", FieldError.Quote(obj.Str("type") ?? ""), "field is immutable");
        if (old["immutable"]?.GetValue<bool>() != true) yield break;
        if (obj["immutable"]?.GetValue<bool>() != true)
            yield return new FieldError("immutable", FieldErrorTypes.Forbidden, ImmutableMsg, null);
        foreach (var field in secret ? new[] { "data" } : ["data", "binaryData"])
        {
            if (!JsonNode.DeepEquals(obj[field], old[field])) yield return new FieldError(field, FieldErrorTypes.Forbidden, ImmutableMsg, null);
        }
    }

    // Secret.stringData is write-only: merged into data (base64) and never stored, as the apiserver does.
    private void Fold(JsonObject obj)
    {
        CheckBase64(obj, secret ? "data" : "binaryData", secret ? "Secret" : "ConfigMap");
        if (!secret) return;
        obj["type"] ??= "Opaque";
        if (obj["stringData"] is JsonObject s)
        {
            var data = obj.Obj("data");
            foreach (var (k, v) in s) data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
        }
        obj.Remove("stringData");
    }
}

internal partial class DataBehavior
{
    private static readonly System.Buffers.SearchValues<char> Base64Chars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    // []byte fields travel as base64; the apiserver's JSON decoder rejects anything else with a 400.
    private static void CheckBase64(JsonObject obj, string field, string kind)
    {
        if (obj[field] is not JsonObject data) return;
        foreach (var (_, value) in data)
        {
            var text = value?.GetValue<string>() ?? "";
            var bad = text.AsSpan().IndexOfAnyExcept(Base64Chars);
            if (bad < 0 && text.Length % 4 == 0) continue;
            var at = bad >= 0 ? bad : text.Length / 4 * 4;
            throw Http.ApiErrors.BadRequest($"{kind} in version \"v1\" cannot be handled as a {kind}: illegal base64 data at input byte {at}");
        }
    }
}

/// <summary>Services: a clusterIP is allocated once and may not change; names are DNS-1035 labels.</summary>
internal sealed class ServiceBehavior : ResourceBehavior
{
    public override void PrepareForCreate(JsonObject obj, ServerContext server)
    {
        var spec = obj.Obj("spec");
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
        if (spec.Str("type") != "ExternalName" && string.IsNullOrEmpty(spec.Str("clusterIP")))
        {
            var ip = server.AllocateClusterIp();
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["internalTrafficPolicy"] ??= "Cluster";
        }
        if (spec["ports"] is JsonArray ports)
        {
            foreach (var p in ports.OfType<JsonObject>())
            {
                p["protocol"] ??= "TCP";
                p["targetPort"] ??= p["port"]?.DeepClone();
            }
        }
        obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
    }

    // An update that leaves clusterIP out keeps the allocated one, so `kubectl apply` of the original manifest works.
    public override void PrepareForUpdate(JsonObject obj, JsonObject old)
    {
        var spec = obj.Obj("spec");
        var oldSpec = old["spec"] as JsonObject;
        if (string.IsNullOrEmpty(spec.Str("clusterIP")) && oldSpec?["clusterIP"] is { } ip)
        {
            spec["clusterIP"] = ip.DeepClone();
            spec["clusterIPs"] ??= oldSpec["clusterIPs"]?.DeepClone();
            spec["ipFamilies"] ??= oldSpec["ipFamilies"]?.DeepClone();
            spec["ipFamilyPolicy"] ??= oldSpec["ipFamilyPolicy"]?.DeepClone();
            spec["internalTrafficPolicy"] ??= oldSpec["internalTrafficPolicy"]?.DeepClone();
        }
        spec["type"] ??= "ClusterIP";
        spec["sessionAffinity"] ??= "None";
    }

    public override IEnumerable<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        var oldIp = old["spec"].Str("clusterIP");
        var newIp = obj["spec"].Str("clusterIP");
        if (!string.IsNullOrEmpty(oldIp) && oldIp != "None" && newIp != oldIp)
            yield return FieldError.Invalid("spec.clusterIP", FieldError.Quote(newIp ?? ""), "field is immutable");
    }
}

/// <summary>Namespaces: spec.finalizers [kubernetes], phase Active, the kubernetes.io/metadata.name label.</summary>
internal sealed class NamespaceBehavior : ResourceBehavior
{
    private static readonly HashSet<string> ImmortalNamespaces = ["default", "kube-system", "kube-public"];

    public override void CheckDeletable(string name)
    {
        if (ImmortalNamespaces.Contains(name))
            throw Http.ApiErrors.Forbidden("", "namespaces", name, "this namespace may not be deleted");
    }

    public override void PrepareForCreate(JsonObject obj, ServerContext server)
    {
        obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        obj["status"] = new JsonObject { ["phase"] = "Active" };
        obj.Meta().Obj("labels")["kubernetes.io/metadata.name"] = obj.Name();
    }

    public override void PrepareForUpdate(JsonObject obj, JsonObject old)
    {
        // spec.finalizers only changes through /finalize; the label always mirrors the name.
        obj["spec"] = old["spec"]?.DeepClone();
        obj.Meta().Obj("labels")["kubernetes.io/metadata.name"] = obj.Name();
    }

    public override void PrepareForDelete(JsonObject obj, ServerContext server) => obj.Obj("status")["phase"] = "Terminating";

    public override bool HasFinalizers(JsonObject obj) =>
        base.HasFinalizers(obj) || obj["spec"]?["finalizers"] is JsonArray { Count: > 0 };
}

/// <summary>Deployments: apps/v1 defaults, a required selector that matches the template, an immutable selector.</summary>
internal sealed class DeploymentBehavior : ResourceBehavior
{
    public override void PrepareForCreate(JsonObject obj, ServerContext server) => Defaults(obj);

    public override void PrepareForUpdate(JsonObject obj, JsonObject old) => Defaults(obj);

    public override IEnumerable<FieldError> Validate(JsonObject obj)
    {
        var spec = obj["spec"] as JsonObject;
        if (spec?["selector"] is not JsonObject selector)
        {
            yield return FieldError.Required("spec.selector");
            yield break;
        }
        var labels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (selector["matchLabels"] is JsonObject match &&
            match.Any(kv => labels?[kv.Key]?.GetValue<string>() != kv.Value?.GetValue<string>()))
            yield return FieldError.Invalid("spec.template.metadata.labels", labels?.ToJsonString() ?? "null", "`selector` does not match template `labels`");
    }

    public override IEnumerable<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        if (!JsonNode.DeepEquals(obj["spec"]?["selector"], old["spec"]?["selector"]))
            yield return FieldError.Invalid("spec.selector", obj["spec"]?["selector"]?.ToJsonString() ?? "null", "field is immutable");
    }

    private static void Defaults(JsonObject obj)
    {
        var spec = obj.Obj("spec");
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        var strategy = spec.Obj("strategy");
        strategy["type"] ??= "RollingUpdate";
        if (strategy.Str("type") == "RollingUpdate")
        {
            var rolling = strategy.Obj("rollingUpdate");
            rolling["maxUnavailable"] ??= "25%";
            rolling["maxSurge"] ??= "25%";
        }
    }
}

/// <summary>PersistentVolumeClaims: access modes and a storage request are required; status starts Pending.</summary>
internal sealed class PvcBehavior : ResourceBehavior
{
    public override void PrepareForCreate(JsonObject obj, ServerContext server)
    {
        obj.Obj("spec")["volumeMode"] ??= "Filesystem";
        obj["status"] = new JsonObject { ["phase"] = "Pending" };
    }

    public override IEnumerable<FieldError> Validate(JsonObject obj)
    {
        if (obj["spec"]?["accessModes"] is not JsonArray { Count: > 0 })
            yield return new FieldError("spec.accessModes", FieldErrorTypes.Required, "at least 1 access mode is required", null);
        if (obj["spec"]?["resources"]?["requests"]?["storage"] is null)
            yield return FieldError.Required("spec.resources[storage]");
    }
}
