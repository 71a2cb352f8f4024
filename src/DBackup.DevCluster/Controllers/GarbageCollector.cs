using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Controllers;

/// <summary>
/// The garbage collector: deletes dependents whose owners are all gone (Background), deletes dependents
/// before their owner (Foreground, the <c>foregroundDeletion</c> finalizer), or strips the owner
/// reference and lets dependents live (Orphan, the <c>orphan</c> finalizer).
/// </summary>
internal sealed class GarbageCollector(ApiObjects objects)
{
    // Owners waiting for their dependents (foreground) by uid, so a dependent's deletion re-checks its owner.
    private readonly Dictionary<string, (string Resource, string Ns, string Name)> _waiting = new(StringComparer.Ordinal);

    public void Handle(StoreEvent e)
    {
        if (e.Type == StoreEventType.Deleted)
        {
            foreach (var (resource, dependent) in objects.Server.Store.Dependents(e.Object.Uid)) CollectDependent(resource, dependent);
            _waiting.Remove(e.Object.Uid);
            foreach (var owner in e.Object.OwnerUids)
            {
                if (_waiting.TryGetValue(owner, out var w) && objects.Server.Registry.FindByKey(w.Resource) is { } rt && objects.Get(rt, w.Ns, w.Name) is { } o)
                    HandleDeleting(rt, o);
            }
            return;
        }
        if (e.Type == StoreEventType.Added && e.Object.OwnerUids.Length > 0) CollectDependent(e.Resource, e.Object);
        if (e.Object.Utf8.AsSpan().IndexOf("deletionTimestamp"u8) >= 0 && objects.Server.Registry.FindByKey(e.Resource) is { } type)
            HandleDeleting(type, e.Object);
    }

    private void HandleDeleting(ResourceType rt, StoredObject owner)
    {
        var json = owner.ToJson();
        if (json["metadata"]?["deletionTimestamp"] is null) return;
        var finalizers = json.Finalizers();
        if (finalizers.Contains(ApiObjects.OrphanFinalizer))
        {
            foreach (var (resource, dependent) in objects.Server.Store.Dependents(owner.Uid)) RemoveOwnerRef(resource, dependent, owner.Uid);
            RemoveFinalizer(rt, owner, ApiObjects.OrphanFinalizer);
        }
        else if (finalizers.Contains(ApiObjects.ForegroundFinalizer))
        {
            var dependents = objects.Server.Store.Dependents(owner.Uid);
            if (dependents.Count == 0)
            {
                RemoveFinalizer(rt, owner, ApiObjects.ForegroundFinalizer);
                return;
            }
            _waiting[owner.Uid] = (rt.Key, owner.Namespace, owner.Name);
            foreach (var (resource, dependent) in dependents)
            {
                if (objects.Server.Registry.FindByKey(resource) is { } drt) TryDelete(drt, dependent, "Foreground");
            }
        }
    }

    // A dependent whose owners all vanished is deleted; one that still has a live owner only loses the dead reference.
    private void CollectDependent(string resource, StoredObject dependent)
    {
        var rt = objects.Server.Registry.FindByKey(resource);
        if (rt is null) return;
        var refs = dependent.ToJson()["metadata"]?["ownerReferences"] as JsonArray ?? [];
        var dead = refs.OfType<JsonObject>().Where(r => !OwnerExists(r, dependent.Namespace)).Select(r => r.Str("uid")!).ToList();
        if (dead.Count == 0) return;
        if (dead.Count == refs.Count) TryDelete(rt, dependent, null);
        else foreach (var uid in dead) RemoveOwnerRef(resource, dependent, uid);
    }

    private bool OwnerExists(JsonObject ownerRef, string dependentNs)
    {
        var apiVersion = ownerRef.Str("apiVersion") ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var rt = objects.Server.Registry.All.FirstOrDefault(r => r.Group == group && r.Kind == ownerRef.Str("kind") && r.Version(version) is not null);
        // An owner of a kind this server does not serve cannot be checked; the real GC leaves such dependents alone too.
        if (rt is null) return true;
        var owner = objects.Get(rt, rt.Namespaced ? dependentNs : "", ownerRef.Str("name") ?? "");
        return owner is not null && owner.Uid == ownerRef.Str("uid");
    }

    private void RemoveOwnerRef(string resource, StoredObject dependent, string uid)
    {
        var rt = objects.Server.Registry.FindByKey(resource);
        var current = rt is null ? null : objects.Get(rt, dependent.Namespace, dependent.Name);
        if (rt is null || current is null) return;
        var json = current.ToJson();
        if (json["metadata"]?["ownerReferences"] is not JsonArray refs) return;
        var kept = refs.OfType<JsonObject>().Where(r => r.Str("uid") != uid).Select(r => (JsonNode)r.DeepClone()).ToArray();
        if (kept.Length == 0) json.Meta().Remove("ownerReferences");
        else json.Meta()["ownerReferences"] = new JsonArray(kept);
        objects.Commit(rt, rt.StorageVersion, json, current, dryRun: false);
    }

    private void RemoveFinalizer(ResourceType rt, StoredObject owner, string finalizer)
    {
        var current = objects.Get(rt, owner.Namespace, owner.Name);
        if (current is null) return;
        var json = current.ToJson();
        json.SetFinalizers(json.Finalizers().Where(f => f != finalizer));
        objects.Commit(rt, rt.StorageVersion, json, current, dryRun: false);
    }

    private void TryDelete(ResourceType rt, StoredObject o, string? propagation)
    {
        try
        {
            objects.Delete(rt, rt.StorageVersion, o.Namespace, o.Name, new DeleteRequest(propagation, PreconditionUid: o.Uid));
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone already, or replaced by a new object of the same name that this owner does not own.
        }
    }
}
