using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Schema;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Controllers;

/// <summary>
/// apiextensions-apiserver's controllers in one: serves a CRD's resource once its names are accepted
/// (conditions NamesAccepted and Established, status.acceptedNames, status.storedVersions), and on
/// deletion removes every instance before dropping the cleanup finalizer and the resource.
/// </summary>
internal sealed class CrdController(ApiObjects objects)
{
    public const string CrdResource = "apiextensions.k8s.io/customresourcedefinitions";
    private readonly Dictionary<string, string> _terminating = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    public void Handle(StoreEvent e)
    {
        if (e.Resource != CrdResource)
        {
            if (e.Type == StoreEventType.Deleted && _terminating.TryGetValue(e.Resource, out var crdName)) _dirty.Add(crdName);
            return;
        }
        if (e.Type == StoreEventType.Deleted)
        {
            var key = ResourceKey(e.Object.ToJson());
            _terminating.Remove(key);
            objects.Server.Registry.Unregister(key);
            return;
        }
        var crd = e.Object.ToJson();
        if (crd["metadata"]?["deletionTimestamp"] is not null)
        {
            _terminating[ResourceKey(crd)] = e.Object.Name;
            _dirty.Add(e.Object.Name);
            return;
        }
        Establish(e.Object.Name);
    }

    /// <summary>Re-checks terminating CRDs touched by the last batch of events (one instance scan per batch).</summary>
    public void Flush()
    {
        foreach (var name in _dirty.ToList())
        {
            _dirty.Remove(name);
            ControllerRetry.Run(() => Cleanup(name));
        }
    }

    private void Establish(string name)
    {
        var crdType = objects.Server.Registry.FindByKey(CrdResource)!;
        var current = objects.Get(crdType, "", name);
        if (current is null) return;
        var crd = current.ToJson();
        var conflict = NameConflict(crd);
        var status = crd.Obj("status");
        var now = objects.Server.Now();
        if (conflict is not null)
        {
            StatusConditions.Set(crd, "NamesAccepted", "False", "MultipleNamesNotAllowed", conflict, now);
            StatusConditions.Set(crd, "Established", "False", "NotAccepted", "not all names are accepted", now);
        }
        else
        {
            objects.Server.Registry.Register(ToResourceType(crd));
            status["acceptedNames"] = crd["spec"]?["names"]?.DeepClone();
            StatusConditions.Set(crd, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
            StatusConditions.Set(crd, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
            var storage = (crd["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => v["storage"]?.GetValue<bool>() == true).Str("name");
            var stored = (status["storedVersions"] as JsonArray)?.Select(v => v!.GetValue<string>()).ToList() ?? [];
            if (storage is not null && !stored.Contains(storage)) stored.Add(storage);
            status["storedVersions"] = new JsonArray(stored.Select(s => (JsonNode)s).ToArray());
        }
        objects.Commit(crdType, "v1", crd, current, dryRun: false);
    }

    // Another CRD (or a built-in) already serves this kind or plural in the group.
    private string? NameConflict(JsonObject crd)
    {
        var group = crd["spec"].Str("group");
        var names = crd["spec"]?["names"];
        var key = ResourceKey(crd);
        var clash = objects.Server.Registry.All.FirstOrDefault(r => r.Group == group && r.Key != key && (r.Kind == names.Str("kind") || r.Plural == names.Str("plural")));
        return clash is null ? null : $"\"{names.Str("kind")}\" is already in use";
    }

    private void Cleanup(string crdName)
    {
        var crdType = objects.Server.Registry.FindByKey(CrdResource)!;
        var current = objects.Get(crdType, "", crdName);
        if (current is null) return;
        var crd = current.ToJson();
        var rt = objects.Server.Registry.FindByKey(ResourceKey(crd));
        var remaining = rt is null ? [] : objects.Server.Store.Current(rt.Key, "");
        foreach (var o in remaining)
        {
            if (o.ToJson()["metadata"]?["deletionTimestamp"] is not null) continue;
            try
            {
                objects.Delete(rt!, rt!.StorageVersion, o.Namespace, o.Name, new DeleteRequest());
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted concurrently.
            }
        }
        if (rt is not null && objects.Server.Store.Current(rt.Key, "").Count > 0)
        {
            StatusConditions.Set(crd, "Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress", objects.Server.Now());
            objects.Commit(crdType, "v1", crd, current, dryRun: false);
            return;
        }
        crd.SetFinalizers(crd.Finalizers().Where(f => f != CrdBehavior.CleanupFinalizer));
        StatusConditions.Set(crd, "Terminating", "False", "InstanceDeletionCompleted", "removed all instances", objects.Server.Now());
        objects.Commit(crdType, "v1", crd, current, dryRun: false);
    }

    internal static string ResourceKey(JsonObject crd) => crd["spec"].Str("group") + "/" + crd["spec"]?["names"].Str("plural");

    internal static ResourceType ToResourceType(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var versions = ((JsonArray)spec["versions"]!).OfType<JsonObject>()
            .Where(v => v["served"]?.GetValue<bool>() != false)
            .Select(v => new ResourceVersion(
                v.Str("name")!,
                v["storage"]?.GetValue<bool>() == true,
                v["subresources"]?["status"] is not null,
                v["schema"]?["openAPIV3Schema"] is { } s ? StructuralSchema.FromOpenApiV3(s) : null,
                v))
            .ToList();
        // 1.32 selectableFields (per version; the storage version's set is used for all versions here).
        var storage = ((JsonArray)spec["versions"]!).OfType<JsonObject>().FirstOrDefault(v => v["storage"]?.GetValue<bool>() == true);
        var selectable = (storage?["selectableFields"] as JsonArray)?.OfType<JsonObject>()
            .Select(f => f.Str("jsonPath")?.TrimStart('.'))
            .Where(p => !string.IsNullOrEmpty(p))
            .ToDictionary(p => p!, p => p!, StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        return new ResourceType
        {
            SelectableFields = selectable,
            Scale = storage?["subresources"]?["scale"] is JsonObject scale
                ? new ScalePaths(scale.Str("specReplicasPath")!.TrimStart('.'), scale.Str("statusReplicasPath")!.TrimStart('.'), scale.Str("labelSelectorPath")?.TrimStart('.'))
                : null,
            Group = spec.Str("group")!,
            Plural = names.Str("plural")!,
            Singular = names.Str("singular") ?? names.Str("kind")!.ToLowerInvariant(),
            Kind = names.Str("kind")!,
            Namespaced = spec.Str("scope") == "Namespaced",
            ShortNames = (names["shortNames"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [],
            Categories = (names["categories"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [],
            Versions = versions,
            HasGeneration = true,
            IsCustom = true,
            AllowUnconditionalUpdate = false,
            ReturnDeletedObject = true,
            CrdName = crd.Name(),
        };
    }
}
