namespace DBackup.DevCluster.Resources;

/// <summary>The built-in resources served at startup, with the discovery facts kube-apiserver 1.32 reports.</summary>
internal static class BuiltInResources
{
    public static IReadOnlyList<ResourceType> All() =>
    [
        Make("", "v1", "namespaces", "Namespace", false, ["ns"], status: true, behavior: new NamespaceBehavior(), nameRule: NameRule.DnsLabel, returnObject: true,
            fields: ["status.phase"], finalize: true),
        Make("", "v1", "configmaps", "ConfigMap", true, ["cm"], behavior: new DataBehavior(secret: false)),
        Make("", "v1", "secrets", "Secret", true, [], behavior: new DataBehavior(secret: true), fields: ["type"]),
        Make("", "v1", "serviceaccounts", "ServiceAccount", true, ["sa"], returnObject: true),
        Make("", "v1", "services", "Service", true, ["svc"], status: true, categories: ["all"], behavior: new ServiceBehavior(), nameRule: NameRule.Dns1035Label, returnObject: true,
            fields: ["spec.clusterIP", "spec.type"]),
        Make("", "v1", "events", "Event", true, ["ev"], behavior: new EventBehavior(eventsApi: false), fields: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source=source.component", "type"]),
        Make("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"], status: true, behavior: new PvcBehavior()),
        Make("apps", "v1", "deployments", "Deployment", true, ["deploy"], status: true, categories: ["all"], behavior: new DeploymentBehavior(), generation: true,
            scale: new ScalePaths("spec.replicas", "status.replicas", null)),
        Make("events.k8s.io", "v1", "events", "Event", true, ["ev"], behavior: new EventBehavior(eventsApi: true), fields: ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
            "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "type"]),
        Make("coordination.k8s.io", "v1", "leases", "Lease", true, []),
        Make("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, [], nameRule: NameRule.PathSegment),
        Make("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, [], nameRule: NameRule.PathSegment),
        Make("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, [], nameRule: NameRule.PathSegment),
        Make("rbac.authorization.k8s.io", "v1", "roles", "Role", true, [], nameRule: NameRule.PathSegment),
        Make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"], status: true,
            categories: ["api-extensions"], behavior: new CrdBehavior(), generation: true, returnObject: true),
    ];

    private static ResourceType Make(string group, string version, string plural, string kind, bool namespaced, string[] shortNames,
        bool status = false, string[]? categories = null, ResourceBehavior? behavior = null, NameRule nameRule = NameRule.DnsSubdomain,
        bool generation = false, bool returnObject = false, string[]? fields = null, ScalePaths? scale = null, bool finalize = false) => new()
        {
            Scale = scale,
            HasFinalize = finalize,
            // "name=path" when the selector name differs from the JSON path (core Events' "source").
            SelectableFields = (fields ?? []).ToDictionary(f => f.Split('=')[0], f => f.Split('=').Last(), StringComparer.Ordinal),
            Group = group,
            Plural = plural,
            Singular = kind.ToLowerInvariant(),
            Kind = kind,
            Namespaced = namespaced,
            ShortNames = shortNames,
            Categories = categories ?? [],
            Versions = [new ResourceVersion(version, Storage: true, StatusSubresource: status)],
            Behavior = behavior ?? ResourceBehavior.None,
            NameRule = nameRule,
            HasGeneration = generation,
            ReturnDeletedObject = returnObject,
        };
}
