using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Store;

namespace DBackup.DevCluster.Controllers;

/// <summary>
/// What kube-controller-manager does for namespaces: the serviceaccount controller's <c>default</c>
/// ServiceAccount, the root-CA publisher's <c>kube-root-ca.crt</c> ConfigMap, and the namespace
/// controller's termination (delete all content, then drop the <c>kubernetes</c> finalizer).
/// </summary>
internal sealed class NamespaceController(ApiObjects objects)
{
    public const string RootCaConfigMap = "kube-root-ca.crt";
    private const string Namespaces = "/namespaces";
    private readonly HashSet<string> _terminating = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    public void Handle(StoreEvent e)
    {
        if (e.Resource == Namespaces)
        {
            if (e.Type == StoreEventType.Deleted)
            {
                _terminating.Remove(e.Object.Name);
                return;
            }
            var ns = e.Object.ToJson();
            if (ns["metadata"]?["deletionTimestamp"] is not null)
            {
                _terminating.Add(e.Object.Name);
                _dirty.Add(e.Object.Name);
            }
            else if (e.Type == StoreEventType.Added)
            {
                EnsureDefaults(objects, e.Object.Name);
            }
            return;
        }
        if (e.Object.Namespace.Length > 0 && _terminating.Contains(e.Object.Namespace)) _dirty.Add(e.Object.Namespace);
    }

    /// <summary>
    /// Re-checks terminating namespaces touched by the batch of events just handled. Batching keeps
    /// deleting a namespace of N objects at O(N) work instead of one full scan per deletion event.
    /// </summary>
    public void Flush()
    {
        foreach (var ns in _dirty.ToList())
        {
            _dirty.Remove(ns);
            if (_terminating.Contains(ns)) ControllerRetry.Run(() => Terminate(ns));
        }
    }

    /// <summary>Creates the objects every namespace gets; existing ones are left alone.</summary>
    public static void EnsureDefaults(ApiObjects objects, string ns)
    {
        var registry = objects.Server.Registry;
        TryCreate(objects, registry.Find("", "v1", "serviceaccounts")!, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
        TryCreate(objects, registry.Find("", "v1", "configmaps")!, ns, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = RootCaConfigMap,
                ["annotations"] = new JsonObject { ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." },
            },
            ["data"] = new JsonObject { ["ca.crt"] = DevClusterCa.Pem },
        });
    }

    private static void TryCreate(ApiObjects objects, ResourceType rt, string ns, JsonObject obj)
    {
        if (objects.Get(rt, ns, obj.Name()) is not null) return;
        try
        {
            objects.Create(rt, rt.StorageVersion, ns, obj, dryRun: false);
        }
        catch (ApiException e) when (e.Code is 409 or 403 or 404)
        {
            // Already there, or the namespace is going away: nothing to add.
        }
    }

    private void Terminate(string ns)
    {
        var content = objects.Server.Store.InNamespace(ns);
        foreach (var (resource, o) in content)
        {
            var rt = objects.Server.Registry.FindByKey(resource);
            if (rt is null || o.ToJson()["metadata"]?["deletionTimestamp"] is not null) continue;
            try
            {
                objects.Delete(rt, rt.StorageVersion, ns, o.Name, new DeleteRequest());
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted concurrently.
            }
        }
        var remaining = objects.Server.Store.InNamespace(ns);
        var nsType = objects.Server.Registry.FindByKey(Namespaces)!;
        var current = objects.Get(nsType, "", ns);
        if (current is null) return;
        var updated = current.ToJson();
        if (remaining.Count > 0)
        {
            SetConditions(updated, remaining);
            objects.Commit(nsType, "v1", updated, current, dryRun: false);
            return;
        }
        updated.Obj("spec")["finalizers"] = new JsonArray();
        objects.Commit(nsType, "v1", updated, current, dryRun: false);
    }

    // The namespace controller's status conditions, with its wording ("configmaps. has 1 resource instances").
    private void SetConditions(JsonObject ns, IReadOnlyList<(string Resource, StoredObject Object)> remaining)
    {
        var now = objects.Server.Now();
        var byResource = remaining.GroupBy(r => r.Resource).Select(g =>
        {
            var rt = objects.Server.Registry.FindByKey(g.Key);
            return $"{rt?.Plural ?? g.Key}.{rt?.Group ?? ""} has {g.Count()} resource instances";
        }).Order(StringComparer.Ordinal).ToList();
        var byFinalizer = remaining.SelectMany(r => r.Object.ToJson().Finalizers()).GroupBy(f => f)
            .Select(g => $"{g.Key} in {g.Count()} resource instances").Order(StringComparer.Ordinal).ToList();
        StatusConditions.Set(ns, "NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered", now);
        StatusConditions.Set(ns, "NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed", now);
        StatusConditions.Set(ns, "NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization", now);
        StatusConditions.Set(ns, "NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: " + string.Join(", ", byResource), now);
        if (byFinalizer.Count > 0)
        {
            StatusConditions.Set(ns, "NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: " + string.Join(", ", byFinalizer), now);
        }
        else
        {
            StatusConditions.Set(ns, "NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished", now);
        }
    }
}
