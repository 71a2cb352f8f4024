using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Resources;

/// <summary>DeleteOptions that matter here: propagation, preconditions and dry run.</summary>
internal sealed record DeleteRequest(string? Propagation = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null, bool DryRun = false);

/// <summary>The outcome of a DELETE: the object (with or without deletionTimestamp) or null when a Success Status is due.</summary>
internal sealed record DeleteResult(JsonObject Object, bool Deleted);

internal sealed partial class ApiObjects
{
    public const string OrphanFinalizer = "orphan";
    public const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>
    /// DELETE: objects held by finalizers (including the GC's orphan/foregroundDeletion ones added for the
    /// requested propagation) only get deletionTimestamp; everything else is removed at once.
    /// </summary>
    public DeleteResult Delete(ResourceType rt, string version, string ns, string name, DeleteRequest request)
    {
        rt.Behavior.CheckDeletable(name);
        while (true)
        {
            var current = GetOrThrow(rt, ns, name);
            var obj = current.ToJson();
            var meta = obj.Meta();
            if (request.PreconditionUid is { } uid && uid != meta.Str("uid"))
                throw ApiErrors.Conflict(rt.Group, rt.Plural, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.Str("uid")}");
            if (request.PreconditionResourceVersion is { } rv && rv != StoreRv(current))
                throw ApiErrors.Conflict(rt.Group, rt.Plural, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {StoreRv(current)}");
            var finalizers = obj.Finalizers();
            var gcFinalizer = request.Propagation switch
            {
                "Orphan" => OrphanFinalizer,
                "Foreground" => ForegroundFinalizer,
                _ => null,
            };
            var firstRequest = meta["deletionTimestamp"] is null;
            if (firstRequest) rt.Behavior.PrepareForDelete(obj, server);
            if (gcFinalizer is not null && !obj.Finalizers().Contains(gcFinalizer))
                obj.SetFinalizers([.. obj.Finalizers(), gcFinalizer]);
            try
            {
                if (rt.Behavior.HasFinalizers(obj))
                {
                    if (firstRequest)
                    {
                        if (meta["generation"] is { } g && g.GetValue<long>() > 0) meta["generation"] = g.GetValue<long>() + 1;
                        meta["deletionTimestamp"] = server.Now();
                        meta["deletionGracePeriodSeconds"] = 0;
                    }
                    if (request.DryRun || (!firstRequest && finalizers.SequenceEqual(obj.Finalizers()))) return new DeleteResult(Convert(obj, rt, version), false);
                    return new DeleteResult(Output(server.Store.Update(rt.Key, obj, current.Revision), rt, version), false);
                }
                if (request.DryRun) return new DeleteResult(Convert(obj, rt, version), true);
                return new DeleteResult(Output(server.Store.Delete(rt.Key, current.Key, current.Revision), rt, version), true);
            }
            catch (StoreException e) when (e.Failure == StoreFailure.Conflict && request.PreconditionResourceVersion is null)
            {
                // Raced with another writer: re-evaluate on the newer object, like GuaranteedUpdate.
            }
            catch (StoreException e) when (e.Failure == StoreFailure.NotFound)
            {
                throw ApiErrors.NotFound(rt.Group, rt.Plural, name);
            }
        }
    }

    /// <summary>Deletes whatever matches, one object at a time; returns what was deleted or marked.</summary>
    public IReadOnlyList<JsonObject> DeleteCollection(ResourceType rt, string version, string ns, Func<StoredObject, bool> filter, DeleteRequest request)
    {
        var result = new List<JsonObject>();
        foreach (var o in server.Store.Current(rt.Key, rt.Namespaced ? ns : "").Where(filter))
        {
            try
            {
                result.Add(Delete(rt, version, o.Namespace, o.Name, request).Object);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Already gone: nothing to report for it.
            }
        }
        return result;
    }
}
