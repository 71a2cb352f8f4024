using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Patch;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Resources;

internal sealed partial class ApiObjects
{
    /// <summary>
    /// PATCH: applies the patch to the current object and writes it like an update. A resourceVersion in the
    /// patched object acts as a precondition (409 when stale); without one, a lost race is retried on the newer object.
    /// </summary>
    public JsonObject Patch(ResourceType rt, string version, string ns, string name, string contentType, byte[] body, bool dryRun, string? subresource, FieldCheck? fields = null)
    {
        var keys = rt.IsCustom ? null : StrategicMergeKeys.ForBuiltIn(rt.Group, rt.Kind);
        // The patch type is checked before the object is looked up, so server-side apply answers 415, not 404.
        try
        {
            PatchApplier.EnsureSupported(contentType, keys);
        }
        catch (PatchException e)
        {
            throw new ApiException(e.StatusCode, e.Reason, e.Message);
        }
        for (var attempt = 0; ; attempt++)
        {
            var current = GetOrThrow(rt, ns, name);
            var original = Output(current, rt, version);
            JsonObject patched;
            try
            {
                patched = PatchApplier.Apply(original, contentType, body, keys);
            }
            catch (PatchException e)
            {
                throw new ApiException(e.StatusCode, e.Reason, e.Message);
            }
            var meta = patched.Meta();
            var rv = meta.Str("resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != StoreRv(current))
                throw ApiErrors.Conflict(rt.Group, rt.Plural, name, ApiErrors.ModifiedMessage);
            CheckUidPrecondition(rt, meta, current);
            if (meta.Str("name") != name) throw ApiErrors.BadRequest($"the name of the object ({meta.Str("name")}) does not match the name on the URL ({name})");
            CheckTypeMeta(rt, version, patched);
            (attempt == 0 ? fields ?? FieldCheck.Silent : FieldCheck.Silent).Check(rt, version, patched, patch: true);
            CheckNamespace(rt, ns, meta);
            var updated = subresource switch
            {
                "status" => MergeStatus(rt, version, patched, current.ToJson()),
                _ => MergeMain(rt, version, patched, current.ToJson()),
            };
            try
            {
                return Commit(rt, version, updated, current, dryRun);
            }
            catch (StoreException e) when (e.Failure == StoreFailure.Conflict && attempt < 10)
            {
                // Another writer got in between the read and the write: re-apply the patch to the newer object.
            }
            catch (StoreException e) when (e.Failure is StoreFailure.Conflict or StoreFailure.NotFound)
            {
                throw e.Failure == StoreFailure.NotFound ? ApiErrors.NotFound(rt.Group, rt.Plural, name) : ApiErrors.Conflict(rt.Group, rt.Plural, name, ApiErrors.ModifiedMessage);
            }
        }
    }
}
