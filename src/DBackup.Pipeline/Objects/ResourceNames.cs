using System.Text.Json.Nodes;

namespace DBackup.Pipeline.Objects;

/// <summary>Whether objects of a resource live in a namespace.</summary>
public enum ResourceScope
{
    /// <summary>Objects live in a namespace.</summary>
    Namespaced,

    /// <summary>Objects are cluster-scoped.</summary>
    Cluster,
}

/// <summary>The REST identity of a kind: group, version, plural resource and scope.</summary>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Version">API version, e.g. <c>v1</c>.</param>
/// <param name="Resource">Plural resource name, e.g. <c>configmaps</c>.</param>
/// <param name="Kind">Kind, e.g. <c>ConfigMap</c>.</param>
/// <param name="Scope">Namespaced or cluster-scoped.</param>
/// <param name="IsGuess">True when plural and scope were guessed from the kind rather than known.</param>
public sealed record ResourceName(string Group, string Version, string Resource, string Kind, ResourceScope Scope, bool IsGuess);

/// <summary>
/// Maps <c>apiVersion</c> + <c>kind</c> to a plural resource and scope without asking an API server,
/// for offline work such as <c>dbackup pack</c>.
/// </summary>
/// <remarks>
/// Built-in kinds and the <c>dbackup.io</c> kinds come from a table. CustomResourceDefinitions seen
/// next to the objects can be taught with <see cref="Learn"/>, which gives exact answers for their kinds.
/// Anything else is guessed: namespaced, with a plural built like kubectl's and Kubernetes' code generators
/// do (<c>s/x/z/ch/sh</c> take <c>es</c>, consonant + <c>y</c> becomes <c>ies</c>, <c>endpoints</c> stays).
/// </remarks>
public sealed class ResourceNames
{
    // Every resource a kube-apiserver 1.32 serves (GA groups, checked against its discovery by a test), the
    // well-known beta/alpha ones, and ours. The backup reader trusts this table over a backup's own claims.
    private static readonly (string Group, string Kind, string Plural, ResourceScope Scope)[] BuiltIns =
    [
        ("", "Binding", "bindings", ResourceScope.Namespaced),
        ("", "ComponentStatus", "componentstatuses", ResourceScope.Cluster),
        ("", "ConfigMap", "configmaps", ResourceScope.Namespaced),
        ("", "Secret", "secrets", ResourceScope.Namespaced),
        ("", "Namespace", "namespaces", ResourceScope.Cluster),
        ("", "ServiceAccount", "serviceaccounts", ResourceScope.Namespaced),
        ("", "Service", "services", ResourceScope.Namespaced),
        ("", "Pod", "pods", ResourceScope.Namespaced),
        ("", "PodTemplate", "podtemplates", ResourceScope.Namespaced),
        ("", "ReplicationController", "replicationcontrollers", ResourceScope.Namespaced),
        ("", "PersistentVolumeClaim", "persistentvolumeclaims", ResourceScope.Namespaced),
        ("", "PersistentVolume", "persistentvolumes", ResourceScope.Cluster),
        ("", "Node", "nodes", ResourceScope.Cluster),
        ("", "Endpoints", "endpoints", ResourceScope.Namespaced),
        ("", "LimitRange", "limitranges", ResourceScope.Namespaced),
        ("", "ResourceQuota", "resourcequotas", ResourceScope.Namespaced),
        ("", "Event", "events", ResourceScope.Namespaced),
        ("apps", "Deployment", "deployments", ResourceScope.Namespaced),
        ("apps", "StatefulSet", "statefulsets", ResourceScope.Namespaced),
        ("apps", "DaemonSet", "daemonsets", ResourceScope.Namespaced),
        ("apps", "ReplicaSet", "replicasets", ResourceScope.Namespaced),
        ("apps", "ControllerRevision", "controllerrevisions", ResourceScope.Namespaced),
        ("batch", "Job", "jobs", ResourceScope.Namespaced),
        ("batch", "CronJob", "cronjobs", ResourceScope.Namespaced),
        ("rbac.authorization.k8s.io", "Role", "roles", ResourceScope.Namespaced),
        ("rbac.authorization.k8s.io", "RoleBinding", "rolebindings", ResourceScope.Namespaced),
        ("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", ResourceScope.Cluster),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", ResourceScope.Cluster),
        ("apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions", ResourceScope.Cluster),
        ("apiregistration.k8s.io", "APIService", "apiservices", ResourceScope.Cluster),
        ("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews", ResourceScope.Cluster),
        ("authentication.k8s.io", "TokenReview", "tokenreviews", ResourceScope.Cluster),
        ("authorization.k8s.io", "LocalSubjectAccessReview", "localsubjectaccessreviews", ResourceScope.Namespaced),
        ("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews", ResourceScope.Cluster),
        ("authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews", ResourceScope.Cluster),
        ("authorization.k8s.io", "SubjectAccessReview", "subjectaccessreviews", ResourceScope.Cluster),
        ("certificates.k8s.io", "CertificateSigningRequest", "certificatesigningrequests", ResourceScope.Cluster),
        ("certificates.k8s.io", "ClusterTrustBundle", "clustertrustbundles", ResourceScope.Cluster),
        ("networking.k8s.io", "Ingress", "ingresses", ResourceScope.Namespaced),
        ("networking.k8s.io", "IngressClass", "ingressclasses", ResourceScope.Cluster),
        ("networking.k8s.io", "NetworkPolicy", "networkpolicies", ResourceScope.Namespaced),
        ("networking.k8s.io", "IPAddress", "ipaddresses", ResourceScope.Cluster),
        ("networking.k8s.io", "ServiceCIDR", "servicecidrs", ResourceScope.Cluster),
        ("discovery.k8s.io", "EndpointSlice", "endpointslices", ResourceScope.Namespaced),
        ("coordination.k8s.io", "Lease", "leases", ResourceScope.Namespaced),
        ("coordination.k8s.io", "LeaseCandidate", "leasecandidates", ResourceScope.Namespaced),
        ("policy", "PodDisruptionBudget", "poddisruptionbudgets", ResourceScope.Namespaced),
        ("autoscaling", "HorizontalPodAutoscaler", "horizontalpodautoscalers", ResourceScope.Namespaced),
        ("storage.k8s.io", "StorageClass", "storageclasses", ResourceScope.Cluster),
        ("storage.k8s.io", "CSIDriver", "csidrivers", ResourceScope.Cluster),
        ("storage.k8s.io", "CSINode", "csinodes", ResourceScope.Cluster),
        ("storage.k8s.io", "CSIStorageCapacity", "csistoragecapacities", ResourceScope.Namespaced),
        ("storage.k8s.io", "VolumeAttachment", "volumeattachments", ResourceScope.Cluster),
        ("storage.k8s.io", "VolumeAttributesClass", "volumeattributesclasses", ResourceScope.Cluster),
        ("storagemigration.k8s.io", "StorageVersionMigration", "storageversionmigrations", ResourceScope.Cluster),
        ("internal.apiserver.k8s.io", "StorageVersion", "storageversions", ResourceScope.Cluster),
        ("scheduling.k8s.io", "PriorityClass", "priorityclasses", ResourceScope.Cluster),
        ("node.k8s.io", "RuntimeClass", "runtimeclasses", ResourceScope.Cluster),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema", "flowschemas", ResourceScope.Cluster),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration", "prioritylevelconfigurations", ResourceScope.Cluster),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", ResourceScope.Cluster),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", ResourceScope.Cluster),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", ResourceScope.Cluster),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", ResourceScope.Cluster),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy", "mutatingadmissionpolicies", ResourceScope.Cluster),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding", "mutatingadmissionpolicybindings", ResourceScope.Cluster),
        ("resource.k8s.io", "DeviceClass", "deviceclasses", ResourceScope.Cluster),
        ("resource.k8s.io", "ResourceSlice", "resourceslices", ResourceScope.Cluster),
        ("resource.k8s.io", "ResourceClaim", "resourceclaims", ResourceScope.Namespaced),
        ("resource.k8s.io", "ResourceClaimTemplate", "resourceclaimtemplates", ResourceScope.Namespaced),
        ("events.k8s.io", "Event", "events", ResourceScope.Namespaced),
        ("dbackup.io", "EncryptionProfileRef", "encryptionprofilerefs", ResourceScope.Namespaced),
        ("dbackup.io", "MetaBackupPolicy", "metabackuppolicies", ResourceScope.Namespaced),
        ("dbackup.io", "MetaBackupRestore", "metabackuprestores", ResourceScope.Namespaced),
    ];

    private static readonly Dictionary<(string Group, string Resource), (string Kind, ResourceScope Scope)> ByResource =
        BuiltIns.ToDictionary(b => (b.Group, b.Plural), b => (b.Kind, b.Scope));

    private static readonly Dictionary<(string Group, string Kind), (string Resource, ResourceScope Scope)> ByKind =
        BuiltIns.ToDictionary(b => (b.Group, b.Kind), b => (b.Plural, b.Scope));

    private readonly Dictionary<(string Group, string Kind), (string Plural, ResourceScope Scope)> _known = new();

    /// <summary>Creates a table holding the built-in and <c>dbackup.io</c> kinds.</summary>
    public ResourceNames()
    {
        foreach (var (group, kind, plural, scope) in BuiltIns)
        {
            _known[(group, kind)] = (plural, scope);
        }
    }

    /// <summary>The kind and scope of a built-in (or <c>dbackup.io</c>) resource, or null when the table does not know it.</summary>
    /// <param name="group">API group; empty for the core group.</param>
    /// <param name="resource">Plural resource name.</param>
    public static (string Kind, ResourceScope Scope)? KnownResource(string group, string resource) =>
        ByResource.TryGetValue((group, resource), out var known) ? known : null;

    /// <summary>The resource and scope of a built-in (or <c>dbackup.io</c>) kind, or null when the table does not know it.</summary>
    /// <param name="group">API group; empty for the core group.</param>
    /// <param name="kind">Kind, e.g. <c>ClusterRoleBinding</c>.</param>
    public static (string Resource, ResourceScope Scope)? KnownKind(string group, string kind) =>
        ByKind.TryGetValue((group, kind), out var known) ? known : null;

    /// <summary>Resolves an object's kind with the built-in table only.</summary>
    /// <exception cref="ArgumentException"><paramref name="apiVersion"/> or <paramref name="kind"/> is empty or malformed.</exception>
    public static ResourceName Guess(string apiVersion, string kind) => new ResourceNames().Resolve(apiVersion, kind);

    /// <summary>Resolves <paramref name="apiVersion"/> and <paramref name="kind"/> to a resource.</summary>
    /// <exception cref="ArgumentException"><paramref name="apiVersion"/> or <paramref name="kind"/> is empty or malformed.</exception>
    public ResourceName Resolve(string apiVersion, string kind)
    {
        var (group, version) = SplitApiVersion(apiVersion);
        if (string.IsNullOrWhiteSpace(kind))
        {
            throw new ArgumentException("kind is empty", nameof(kind));
        }

        return _known.TryGetValue((group, kind), out var known)
            ? new ResourceName(group, version, known.Plural, kind, known.Scope, IsGuess: false)
            : new ResourceName(group, version, Pluralize(kind), kind, ResourceScope.Namespaced, IsGuess: true);
    }

    /// <summary>
    /// Teaches the table the kind defined by a CustomResourceDefinition object; other objects are ignored.
    /// Returns whether the object was a usable CRD.
    /// </summary>
    public bool Learn(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        if (crd["kind"]?.GetValueKind() != System.Text.Json.JsonValueKind.String
            || (string?)crd["kind"] != "CustomResourceDefinition"
            || crd["spec"] is not JsonObject spec
            || spec["names"] is not JsonObject names)
        {
            return false;
        }

        var group = AsString(spec["group"]);
        var kind = AsString(names["kind"]);
        var plural = AsString(names["plural"]);
        if (group is null || kind is null || plural is null)
        {
            return false;
        }

        var scope = AsString(spec["scope"]) == "Cluster" ? ResourceScope.Cluster : ResourceScope.Namespaced;
        _known[(group, kind)] = (plural, scope);
        return true;
    }

    /// <summary>Guesses the plural resource name of a kind, in lowercase.</summary>
    public static string Pluralize(string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var singular = kind.ToLowerInvariant();
        if (singular.EndsWith("endpoints", StringComparison.Ordinal))
        {
            return singular;
        }

        if (singular.EndsWith('s') || singular.EndsWith('x') || singular.EndsWith('z')
            || singular.EndsWith("ch", StringComparison.Ordinal) || singular.EndsWith("sh", StringComparison.Ordinal))
        {
            return singular + "es";
        }

        if (singular.Length > 1 && singular[^1] == 'y' && !IsVowel(singular[^2]))
        {
            return singular[..^1] + "ies";
        }

        return singular + "s";
    }

    /// <summary>Splits <c>group/version</c> (or a bare core <c>version</c>) into its parts.</summary>
    /// <exception cref="ArgumentException">The value is empty or has more than one '/'.</exception>
    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        if (string.IsNullOrWhiteSpace(apiVersion))
        {
            throw new ArgumentException("apiVersion is empty", nameof(apiVersion));
        }

        var parts = apiVersion.Split('/');
        return parts switch
        {
            [var version] when version.Length > 0 => (string.Empty, version),
            [var group, var version] when group.Length > 0 && version.Length > 0 => (group, version),
            _ => throw new ArgumentException($"apiVersion '{apiVersion}' is not 'version' or 'group/version'", nameof(apiVersion)),
        };
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';

    private static string? AsString(JsonNode? node) =>
        node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)node : null;
}
