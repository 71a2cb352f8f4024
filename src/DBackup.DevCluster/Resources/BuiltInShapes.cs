using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// Field layouts of the built-in kinds (k8s.io/api 1.32), and ObjectMeta for every object including custom resources.
/// Deep subtrees the emulator does not model (pod templates, status blocks) are kept as they come.
/// </summary>
internal static class BuiltInShapes
{
    // The field names come from the schema side's ObjectMetaFields, which prunes custom resources' metadata.
    public static readonly Shape ObjectMeta = Shape.Obj([.. Schema.ObjectMetaFields.Names])
        .With(("ownerReferences", Shape.ListOf(Shape.Obj([.. Schema.ObjectMetaFields.OwnerReferenceNames]))));

    private static readonly Shape Root = Shape.Obj("apiVersion", "kind", ("metadata", ObjectMeta));

    private static readonly Shape PolicyRule = Shape.Obj("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs");

    private static readonly Dictionary<string, Shape> ByResource = new(StringComparer.Ordinal)
    {
        ["/configmaps"] = Root.With("data", "binaryData", "immutable"),
        ["/secrets"] = Root.With("data", "stringData", "type", "immutable"),
        ["/namespaces"] = Root.With(("spec", Shape.Obj("finalizers")), ("status", Shape.Obj("phase", "conditions"))),
        ["/serviceaccounts"] = Root.With("secrets", "imagePullSecrets", "automountServiceAccountToken"),
        ["/services"] = Root.With(("spec", Shape.Obj(
            ("ports", Shape.ListOf(Shape.Obj("name", "protocol", "appProtocol", "port", "targetPort", "nodePort"))),
            "selector", "clusterIP", "clusterIPs", "type", "externalIPs", "sessionAffinity", "loadBalancerIP", "loadBalancerSourceRanges",
            "externalName", "externalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig",
            "ipFamilies", "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy", "trafficDistribution")), "status"),
        ["/events"] = Root.With("involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type",
            "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance"),
        ["events.k8s.io/events"] = Root.With("eventTime", "series", "reportingController", "reportingInstance", "action", "reason", "regarding",
            "related", "note", "type", "deprecatedSource", "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"),
        ["/persistentvolumeclaims"] = Root.With(("spec", Shape.Obj("accessModes", "selector", "resources", "volumeName", "storageClassName",
            "volumeMode", "dataSource", "dataSourceRef", "volumeAttributesClassName")), "status"),
        ["apps/deployments"] = Root.With(("spec", Shape.Obj("replicas", "selector", "template", "strategy", "minReadySeconds",
            "revisionHistoryLimit", "paused", "progressDeadlineSeconds")), "status"),
        ["coordination.k8s.io/leases"] = Root.With(("spec", Shape.Obj("holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime",
            "leaseTransitions", "strategy", "preferredHolder"))),
        ["rbac.authorization.k8s.io/roles"] = Root.With(("rules", Shape.ListOf(PolicyRule))),
        ["rbac.authorization.k8s.io/clusterroles"] = Root.With(("rules", Shape.ListOf(PolicyRule)), "aggregationRule"),
        ["rbac.authorization.k8s.io/rolebindings"] = Root.With(("subjects", Shape.ListOf(Shape.Obj("kind", "apiGroup", "name", "namespace"))),
            ("roleRef", Shape.Obj("apiGroup", "kind", "name"))),
        ["rbac.authorization.k8s.io/clusterrolebindings"] = Root.With(("subjects", Shape.ListOf(Shape.Obj("kind", "apiGroup", "name", "namespace"))),
            ("roleRef", Shape.Obj("apiGroup", "kind", "name"))),
        ["apiextensions.k8s.io/customresourcedefinitions"] = Root.With(("spec", Shape.Obj("group", "names", "scope", "versions", "conversion",
            "preserveUnknownFields")), "status"),
    };

    /// <summary>
    /// Drops fields a kube-apiserver would not decode: unknown top-level and nested fields of built-ins, unknown
    /// metadata fields of everything. Returns their paths for fieldValidation.
    /// </summary>
    public static List<string> Prune(ResourceType rt, JsonObject obj)
    {
        var unknown = new List<string>();
        if (ByResource.TryGetValue(rt.Key, out var shape)) shape.Prune(obj, "", unknown);
        else ObjectMeta.Prune(obj["metadata"], "metadata", unknown);
        return unknown;
    }
}
