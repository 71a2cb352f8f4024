using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Resources;

/// <summary>CustomResourceDefinition strategy: name defaults, the v1 validation rules that matter, the cleanup finalizer on delete.</summary>
internal sealed class CrdBehavior : ResourceBehavior
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    public override void PrepareForCreate(JsonObject obj, ServerContext server) => Defaults(obj);

    public override void PrepareForUpdate(JsonObject obj, JsonObject old) => Defaults(obj);

    public override IEnumerable<FieldError> Validate(JsonObject obj)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        var group = spec.Str("group");
        var names = spec["names"] as JsonObject ?? [];
        var plural = names.Str("plural");
        if (string.IsNullOrEmpty(group)) yield return FieldError.Required("spec.group");
        else if (!group.Contains('.', StringComparison.Ordinal))
            yield return FieldError.Invalid("spec.group", FieldError.Quote(group), "should be a domain with at least one dot");
        if (string.IsNullOrEmpty(plural)) yield return FieldError.Required("spec.names.plural");
        if (string.IsNullOrEmpty(names.Str("kind"))) yield return FieldError.Required("spec.names.kind");
        if (!string.IsNullOrEmpty(group) && !string.IsNullOrEmpty(plural) && obj.Name() != $"{plural}.{group}")
            yield return FieldError.Invalid("metadata.name", FieldError.Quote(obj.Name()), "must be spec.names.plural+\".\"+spec.group");
        var scope = spec.Str("scope");
        if (scope is not ("Namespaced" or "Cluster"))
            yield return FieldError.NotSupported("spec.scope", scope, ["Cluster", "Namespaced"]);
        if (spec["versions"] is not JsonArray { Count: > 0 } versions)
        {
            yield return new FieldError("spec.versions", FieldErrorTypes.Invalid, "must have exactly one version marked as storage version", "null");
            yield break;
        }
        if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1)
            yield return FieldError.Invalid("spec.versions", versions.ToJsonString(), "must have exactly one version marked as storage version");
        for (var i = 0; i < versions.Count; i++)
        {
            var schema = versions[i]?["schema"]?["openAPIV3Schema"];
            if (schema is null)
            {
                yield return new FieldError($"spec.versions[{i}].schema.openAPIV3Schema", FieldErrorTypes.Required, "schemas are required", null);
                continue;
            }
            // The apiserver's structural-schema rules (types everywhere, metadata limits, valid defaults, ...).
            foreach (var e in StructuralSchema.ValidateStructural(schema, $"spec.versions[{i}].schema.openAPIV3Schema")) yield return e;
            if (versions[i] is JsonObject version)
            {
                foreach (var e in Tables.PrinterColumn.Validate(version, $"spec.versions[{i}]")) yield return e;
            }
        }
    }

    public override IEnumerable<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        if (obj["spec"].Str("scope") != old["spec"].Str("scope"))
            yield return FieldError.Invalid("spec.scope", FieldError.Quote(obj["spec"].Str("scope") ?? ""), "field is immutable");
        if (obj["spec"].Str("group") != old["spec"].Str("group"))
            yield return FieldError.Invalid("spec.group", FieldError.Quote(obj["spec"].Str("group") ?? ""), "field is immutable");
    }

    public override void PrepareForDelete(JsonObject obj, ServerContext server)
    {
        if (!obj.Finalizers().Contains(CleanupFinalizer)) obj.SetFinalizers([.. obj.Finalizers(), CleanupFinalizer]);
        StatusConditions.Set(obj, "Terminating", "True", "InstanceDeletionPending",
            "CustomResourceDefinition marked for deletion; instance deletion is pending", server.Now());
    }

    private static void Defaults(JsonObject obj)
    {
        var spec = obj.Obj("spec");
        var names = spec.Obj("names");
        var kind = names.Str("kind") ?? "";
        names["singular"] ??= kind.ToLowerInvariant();
        names["listKind"] ??= kind + "List";
        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
    }
}
