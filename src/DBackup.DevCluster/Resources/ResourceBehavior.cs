using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// Per-resource strategy hooks, like the registry strategies of kube-apiserver
/// (PrepareForCreate/PrepareForUpdate/Validate/ValidateUpdate) plus the deletion tweaks some registries make.
/// </summary>
internal class ResourceBehavior
{
    public static readonly ResourceBehavior None = new();

    /// <summary>Normalises a new object (defaults, folded fields, allocated values).</summary>
    public virtual void PrepareForCreate(JsonObject obj, ServerContext server) { }

    /// <summary>Normalises an update; <paramref name="old"/> is the stored object.</summary>
    public virtual void PrepareForUpdate(JsonObject obj, JsonObject old) { }

    public virtual IEnumerable<FieldError> Validate(JsonObject obj) => [];

    public virtual IEnumerable<FieldError> ValidateUpdate(JsonObject obj, JsonObject old) => [];

    /// <summary>Refuses a DELETE of <paramref name="name"/> outright (throws an ApiException), before the object is even read.</summary>
    public virtual void CheckDeletable(string name) { }

    /// <summary>Called once when a DELETE first marks the object (namespaces turn Terminating, CRDs get their cleanup finalizer).</summary>
    public virtual void PrepareForDelete(JsonObject obj, ServerContext server) { }

    /// <summary>Whether something still holds the object after a delete request (finalizers of any kind).</summary>
    public virtual bool HasFinalizers(JsonObject obj) => obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 };
}
