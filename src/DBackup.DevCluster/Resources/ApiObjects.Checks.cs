using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Schema;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Resources;

/// <summary>The request checks every write shares: type meta, namespace, preconditions, ObjectMeta validation.</summary>
internal sealed partial class ApiObjects
{
    // A metadata.uid in a PUT or patch result is a precondition (rest.DefaultUpdatedObjectInfo), not a value to store.
    private static void CheckUidPrecondition(ResourceType rt, JsonObject meta, StoredObject current)
    {
        var uid = meta.Str("uid");
        if (!string.IsNullOrEmpty(uid) && uid != current.Uid)
            throw ApiErrors.Conflict(rt.Group, rt.Plural, current.Name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
    }

    private static IEnumerable<FieldError> ValidateMeta(ResourceType rt, JsonObject obj)
    {
        var meta = obj.Meta();
        foreach (var e in MetaValidation.Name(obj.Name(), rt.NameRule)) yield return e;
        foreach (var e in MetaValidation.Labels(meta)) yield return e;
        foreach (var e in MetaValidation.Annotations(meta)) yield return e;
        foreach (var e in MetaValidation.AnnotationSize(meta)) yield return e;
        foreach (var e in MetaValidation.Finalizers(meta)) yield return e;
        foreach (var e in MetaValidation.OwnerReferences(meta)) yield return e;
    }

    private static void CheckTypeMeta(ResourceType rt, string version, JsonObject obj)
    {
        var apiVersion = obj.Str("apiVersion");
        var kind = obj.Str("kind");
        if (!string.IsNullOrEmpty(kind) && kind != rt.Kind)
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({rt.Kind})");
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != rt.ApiVersion(version))
            throw ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({rt.ApiVersion(version)})");
        obj["kind"] = rt.Kind;
    }

    private static void CheckNamespace(ResourceType rt, string ns, JsonObject meta)
    {
        if (!rt.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }
        var bodyNs = meta.Str("namespace");
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        meta["namespace"] = ns;
    }

    private void CheckNamespaceWritable(ResourceType rt, string ns, string name)
    {
        var nsObj = server.Store.Get("/namespaces", StoredObject.KeyOf("", ns)) ?? throw ApiErrors.NotFound("", "namespaces", ns);
        if (nsObj.ToJson()["metadata"]?["deletionTimestamp"] is null) return;
        throw ApiErrors.Forbidden(rt.Group, rt.Plural, name, $"unable to create new content in namespace {ns} because it is being terminated",
            new JsonArray(new JsonObject { ["reason"] = "NamespaceTerminating", ["message"] = $"namespace {ns} is being terminated", ["field"] = "metadata.namespace" }));
    }

    private void CheckCrdWritable(ResourceType rt, string name)
    {
        if (rt.CrdName is null) return;
        var crd = server.Store.Get("apiextensions.k8s.io/customresourcedefinitions", StoredObject.KeyOf("", rt.CrdName));
        if (crd is not null && crd.ToJson()["metadata"]?["deletionTimestamp"] is not null)
            throw new ApiException(405, "MethodNotAllowed", $"create not allowed while custom resource definition is terminating", new JsonObject { ["name"] = name, ["group"] = rt.Group, ["kind"] = rt.Plural });
    }
}
