using System.Globalization;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Schema;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// The registry layer: create/update/delete with kube-apiserver semantics (system metadata, generation,
/// optimistic concurrency, status subresource, validation, dry run). HTTP handlers and the built-in
/// controllers both write through here.
/// </summary>
internal sealed partial class ApiObjects(ServerContext server)
{
    private const string GenerateAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public ServerContext Server => server;

    public StoredObject? Get(ResourceType rt, string ns, string name) =>
        server.Store.Get(rt.Key, StoredObject.KeyOf(rt.Namespaced ? ns : "", name));

    public StoredObject GetOrThrow(ResourceType rt, string ns, string name) =>
        Get(rt, ns, name) ?? throw ApiErrors.NotFound(rt.Group, rt.Plural, name);

    /// <summary>POST: returns the stored object (or, for a dry run, the object that would be stored).</summary>
    public JsonObject Create(ResourceType rt, string version, string ns, JsonObject obj, bool dryRun, FieldCheck? fields = null)
    {
        CheckTypeMeta(rt, version, obj);
        (fields ?? FieldCheck.Silent).Check(rt, version, obj, patch: false);
        var meta = obj.Meta();
        CheckNamespace(rt, ns, meta);
        var generate = string.IsNullOrEmpty(meta.Str("name")) ? meta.Str("generateName") : null;
        if (string.IsNullOrEmpty(meta.Str("name")) && string.IsNullOrEmpty(generate))
            throw ApiErrors.Invalid(rt.Group, rt.Kind, "", [new FieldError("metadata.name", FieldErrorTypes.Required, "name or generateName is required", null)]);
        if (generate is not null) meta["name"] = generate + RandomSuffix();
        if (rt.Namespaced) CheckNamespaceWritable(rt, ns, meta.Str("name")!);
        CheckCrdWritable(rt, meta.Str("name")!);

        // etcd3's Create refuses a set resourceVersion (storage.ErrResourceVersionSetOnCreate, surfaced as a 500).
        if (!dryRun && !string.IsNullOrEmpty(meta.Str("resourceVersion")))
        {
            throw new ApiException(500, "InternalError", "Internal error occurred: resourceVersion should not be set on objects to be created",
                new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = "resourceVersion should not be set on objects to be created" }) });
        }
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = server.Now();
        foreach (var f in new[] { "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generation" }) meta.Remove(f);
        if (rt.HasGeneration) meta["generation"] = 1;
        if (rt.HasStatus(version)) obj.Remove("status");
        obj["apiVersion"] = rt.ApiVersion(rt.StorageVersion);
        rt.Behavior.PrepareForCreate(obj, server);
        var errors = new List<FieldError>();
        if (rt.Version(version)?.Schema is { } schema) errors.AddRange(schema.PruneDefaultValidate(obj));
        errors.AddRange(ValidateMeta(rt, obj));
        errors.AddRange(rt.Behavior.Validate(obj));
        if (errors.Count > 0) throw ApiErrors.Invalid(rt.Group, rt.Kind, obj.Name(), errors);
        if (dryRun)
        {
            if (Get(rt, ns, obj.Name()) is not null) throw ApiErrors.AlreadyExists(rt.Group, rt.Plural, obj.Name());
            return Convert(obj, rt, version);
        }
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return Output(server.Store.Create(rt.Key, obj), rt, version);
            }
            catch (StoreException e) when (e.Failure == StoreFailure.AlreadyExists)
            {
                // A generated name that collides is retried, as the apiserver does since 1.30.
                if (generate is null || attempt >= 7) throw ApiErrors.AlreadyExists(rt.Group, rt.Plural, obj.Name());
                meta["name"] = generate + RandomSuffix();
            }
        }
    }

    /// <summary>PUT on the object, its /status, or a namespace's /finalize.</summary>
    public JsonObject Update(ResourceType rt, string version, string ns, string name, JsonObject obj, bool dryRun, string? subresource = null, FieldCheck? fields = null)
    {
        CheckTypeMeta(rt, version, obj);
        // The strict decoder sees the whole body, also for /status writes that then keep only .status.
        (fields ?? FieldCheck.Silent).Check(rt, version, obj, patch: false);
        var meta = obj.Meta();
        if (meta.Str("name") is { } bodyName && bodyName != name)
            throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        meta["name"] = name;
        CheckNamespace(rt, ns, meta);
        var bodyRv = meta.Str("resourceVersion");
        if (string.IsNullOrEmpty(bodyRv) && !rt.AllowUnconditionalUpdate)
            throw ApiErrors.Invalid(rt.Group, rt.Kind, name, [FieldError.Invalid("metadata.resourceVersion", "0x0", "must be specified for an update")]);
        while (true)
        {
            var current = GetOrThrow(rt, ns, name);
            if (!string.IsNullOrEmpty(bodyRv) && bodyRv != StoreRv(current))
                throw ApiErrors.Conflict(rt.Group, rt.Plural, name, ApiErrors.ModifiedMessage);
            CheckUidPrecondition(rt, meta, current);
            var old = current.ToJson();
            var updated = subresource switch
            {
                "status" => MergeStatus(rt, version, obj, old),
                "finalize" => MergeFinalize(obj, old),
                _ => MergeMain(rt, version, obj, old),
            };
            try
            {
                return Commit(rt, version, updated, current, dryRun);
            }
            catch (StoreException e) when (e.Failure == StoreFailure.Conflict && string.IsNullOrEmpty(bodyRv))
            {
                // An unconditional update lost a race with another writer: redo it on the newer object.
            }
            catch (StoreException e) when (e.Failure == StoreFailure.Conflict)
            {
                throw ApiErrors.Conflict(rt.Group, rt.Plural, name, ApiErrors.ModifiedMessage);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="updated"/> over <paramref name="current"/>: skips no-op writes (no new revision),
    /// and removes the object instead when it is being deleted and its last finalizer went away.
    /// </summary>
    internal JsonObject Commit(ResourceType rt, string version, JsonObject updated, StoredObject current, bool dryRun)
    {
        var meta = updated.Meta();
        meta["resourceVersion"] = StoreRv(current);
        var old = current.ToJson();
        if (JsonNode.DeepEquals(updated, old)) return Output(current, rt, version);
        if (dryRun) return Convert(updated, rt, version);
        if (meta["deletionTimestamp"] is not null && !rt.Behavior.HasFinalizers(updated))
        {
            var gone = server.Store.Delete(rt.Key, current.Key, current.Revision);
            return Output(gone, rt, version);
        }
        return Output(server.Store.Update(rt.Key, updated, current.Revision), rt, version);
    }

    private JsonObject MergeMain(ResourceType rt, string version, JsonObject obj, JsonObject old)
    {
        var updated = (JsonObject)obj.DeepClone();
        var meta = updated.Meta();
        var oldMeta = old.Meta();
        foreach (var f in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace" })
        {
            if (oldMeta[f] is { } v) meta[f] = v.DeepClone();
            else meta.Remove(f);
        }
        meta.Remove("selfLink");
        updated["apiVersion"] = old["apiVersion"]?.DeepClone();
        if (rt.HasStatus(version))
        {
            if (old["status"] is { } status) updated["status"] = status.DeepClone();
            else updated.Remove("status");
        }
        rt.Behavior.PrepareForUpdate(updated, old);
        var errors = new List<FieldError>();
        if (rt.Version(version)?.Schema is { } schema) errors.AddRange(schema.PruneDefaultValidate(updated));
        if (oldMeta["deletionTimestamp"] is not null && updated.Finalizers().Except(old.Finalizers()).Any())
            errors.Add(new FieldError("metadata.finalizers", FieldErrorTypes.Forbidden, "no new finalizers can be added if the object is being deleted", null));
        errors.AddRange(ValidateMeta(rt, updated));
        errors.AddRange(rt.Behavior.Validate(updated));
        errors.AddRange(rt.Behavior.ValidateUpdate(updated, old));
        if (errors.Count > 0) throw ApiErrors.Invalid(rt.Group, rt.Kind, updated.Name(), errors);
        if (rt.HasGeneration && !Json.EqualExcept(updated, old, rt.HasStatus(version) ? ["metadata", "status"] : ["metadata"]))
            meta["generation"] = (oldMeta["generation"]?.GetValue<long>() ?? 0) + 1;
        return updated;
    }

    // The status endpoint takes only .status from the request; metadata and spec stay as stored.
    private static JsonObject MergeStatus(ResourceType rt, string version, JsonObject obj, JsonObject old)
    {
        var updated = (JsonObject)old.DeepClone();
        if (obj["status"] is { } status) updated["status"] = status.DeepClone();
        else updated.Remove("status");
        if (rt.Version(version)?.Schema is { } schema)
        {
            var errors = schema.PruneDefaultValidate(updated, statusOnly: true);
            if (errors.Count > 0) throw ApiErrors.Invalid(rt.Group, rt.Kind, updated.Name(), errors);
        }
        return updated;
    }

    private static JsonObject MergeFinalize(JsonObject obj, JsonObject old)
    {
        var updated = (JsonObject)old.DeepClone();
        updated.Obj("spec")["finalizers"] = obj["spec"]?["finalizers"]?.DeepClone() ?? new JsonArray();
        return updated;
    }

    internal static string StoreRv(StoredObject o) => o.Revision.ToString(CultureInfo.InvariantCulture);

    /// <summary>The stored object as the requested version (conversion strategy None: only apiVersion changes).</summary>
    internal static JsonObject Output(StoredObject stored, ResourceType rt, string version) => Convert(stored.ToJson(), rt, version);

    internal static JsonObject Convert(JsonObject obj, ResourceType rt, string version)
    {
        obj["apiVersion"] = rt.ApiVersion(version);
        return obj;
    }

    private static string RandomSuffix() =>
        new(Enumerable.Range(0, 5).Select(_ => GenerateAlphabet[Random.Shared.Next(GenerateAlphabet.Length)]).ToArray());
}
