using static DBackup.DevCluster.Http.Protobuf.ProtoKind;

namespace DBackup.DevCluster.Http.Protobuf;

/// <summary>
/// The k8s.io/api messages kubectl's imperative generators send as protobuf (create namespace, configmap,
/// secret, serviceaccount, role(binding), clusterrole(binding), service, deployment; auth can-i/whoami reviews).
/// </summary>
internal static class ProtoTypes
{
    public static readonly ProtoMessage TypeMeta = new ProtoMessage("TypeMeta").F(1, "apiVersion").F(2, "kind");

    private static readonly ProtoMessage OwnerReference = new ProtoMessage("OwnerReference")
        .F(1, "kind").F(3, "name").F(4, "uid").F(5, "apiVersion").F(6, "controller", Bool, keepZero: true).F(7, "blockOwnerDeletion", Bool, keepZero: true);

    private static readonly ProtoMessage ObjectMeta = new ProtoMessage("ObjectMeta")
        .F(1, "name").F(2, "generateName").F(3, "namespace").F(4, "selfLink").F(5, "uid").F(6, "resourceVersion")
        .F(7, "generation", Int).F(8, "creationTimestamp", Time).F(9, "deletionTimestamp", Time).F(10, "deletionGracePeriodSeconds", Int)
        .F(11, "labels", MapString).F(12, "annotations", MapString).M(13, "ownerReferences", OwnerReference, repeated: true)
        .F(14, "finalizers", repeated: true);

    private static readonly ProtoMessage LabelSelectorRequirement = new ProtoMessage("LabelSelectorRequirement")
        .F(1, "key").F(2, "operator").F(3, "values", repeated: true);

    private static readonly ProtoMessage LabelSelector = new ProtoMessage("LabelSelector")
        .F(1, "matchLabels", MapString).M(2, "matchExpressions", LabelSelectorRequirement, repeated: true);

    private static readonly ProtoMessage ObjectReference = new ProtoMessage("ObjectReference")
        .F(1, "kind").F(2, "namespace").F(3, "name").F(4, "uid").F(5, "apiVersion").F(6, "resourceVersion").F(7, "fieldPath");

    private static readonly ProtoMessage LocalObjectReference = new ProtoMessage("LocalObjectReference").F(1, "name");

    private static readonly ProtoMessage PolicyRule = new ProtoMessage("PolicyRule")
        .F(1, "verbs", repeated: true).F(2, "apiGroups", repeated: true).F(3, "resources", repeated: true)
        .F(4, "resourceNames", repeated: true).F(5, "nonResourceURLs", repeated: true);

    private static readonly ProtoMessage Subject = new ProtoMessage("Subject").F(1, "kind").F(2, "apiGroup").F(3, "name").F(4, "namespace");

    private static readonly ProtoMessage RoleRef = new ProtoMessage("RoleRef").F(1, "apiGroup").F(2, "kind").F(3, "name");

    private static readonly ProtoMessage ServicePort = new ProtoMessage("ServicePort")
        .F(1, "name").F(2, "protocol").F(3, "port", Int).F(4, "targetPort", IntOrString).F(5, "nodePort", Int).F(6, "appProtocol");

    private static readonly ProtoMessage ServiceSpec = new ProtoMessage("ServiceSpec")
        .M(1, "ports", ServicePort, repeated: true).F(2, "selector", MapString).F(3, "clusterIP").F(4, "type")
        .F(5, "externalIPs", repeated: true).F(7, "sessionAffinity").F(10, "externalName");

    private static readonly ProtoMessage ContainerPort = new ProtoMessage("ContainerPort")
        .F(1, "name").F(2, "hostPort", Int).F(3, "containerPort", Int).F(4, "protocol").F(5, "hostIP");

    private static readonly ProtoMessage EnvVar = new ProtoMessage("EnvVar").F(1, "name").F(2, "value");

    private static readonly ProtoMessage ResourceRequirements = new ProtoMessage("ResourceRequirements")
        .F(1, "limits", MapQuantity).F(2, "requests", MapQuantity);

    private static readonly ProtoMessage Container = new ProtoMessage("Container")
        .F(1, "name").F(2, "image").F(3, "command", repeated: true).F(4, "args", repeated: true).F(5, "workingDir")
        .M(6, "ports", ContainerPort, repeated: true).M(7, "env", EnvVar, repeated: true).M(8, "resources", ResourceRequirements)
        .F(13, "terminationMessagePath").F(14, "imagePullPolicy");

    private static readonly ProtoMessage PodSpec = new ProtoMessage("PodSpec")
        .M(2, "containers", Container, repeated: true).F(3, "restartPolicy").F(6, "dnsPolicy").F(8, "serviceAccountName");

    private static readonly ProtoMessage PodTemplateSpec = new ProtoMessage("PodTemplateSpec").M(1, "metadata", ObjectMeta).M(2, "spec", PodSpec);

    private static readonly ProtoMessage RollingUpdate = new ProtoMessage("RollingUpdateDeployment")
        .F(1, "maxUnavailable", IntOrString).F(2, "maxSurge", IntOrString);

    private static readonly ProtoMessage DeploymentStrategy = new ProtoMessage("DeploymentStrategy").F(1, "type").M(2, "rollingUpdate", RollingUpdate);

    private static readonly ProtoMessage DeploymentSpec = new ProtoMessage("DeploymentSpec")
        .F(1, "replicas", Int, keepZero: true).M(2, "selector", LabelSelector).M(3, "template", PodTemplateSpec).M(4, "strategy", DeploymentStrategy)
        .F(5, "minReadySeconds", Int).F(6, "revisionHistoryLimit", Int, keepZero: true).F(7, "paused", Bool).F(9, "progressDeadlineSeconds", Int, keepZero: true);

    private static readonly ProtoMessage Empty = new("Status") { IgnoreAll = true };

    private static readonly ProtoMessage ResourceAttributes = new ProtoMessage("ResourceAttributes")
        .F(1, "namespace").F(2, "verb").F(3, "group").F(4, "version").F(5, "resource").F(6, "subresource").F(7, "name");

    private static readonly ProtoMessage NonResourceAttributes = new ProtoMessage("NonResourceAttributes").F(1, "path").F(2, "verb");

    /// <summary>Top-level kinds by "apiVersion/kind".</summary>
    public static readonly Dictionary<string, ProtoMessage> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = new ProtoMessage("Namespace").M(1, "metadata", ObjectMeta).M(2, "spec", new ProtoMessage("NamespaceSpec").F(1, "finalizers", repeated: true)).M(3, "status", Empty),
        ["v1/ConfigMap"] = new ProtoMessage("ConfigMap").M(1, "metadata", ObjectMeta).F(2, "data", MapString).F(3, "binaryData", MapBytes).F(4, "immutable", Bool, keepZero: true),
        ["v1/Secret"] = new ProtoMessage("Secret").M(1, "metadata", ObjectMeta).F(2, "data", MapBytes).F(3, "type").F(4, "stringData", MapString).F(5, "immutable", Bool, keepZero: true),
        ["v1/ServiceAccount"] = new ProtoMessage("ServiceAccount").M(1, "metadata", ObjectMeta).M(2, "secrets", ObjectReference, repeated: true)
            .M(3, "imagePullSecrets", LocalObjectReference, repeated: true).F(4, "automountServiceAccountToken", Bool, keepZero: true),
        ["v1/Service"] = new ProtoMessage("Service").M(1, "metadata", ObjectMeta).M(2, "spec", ServiceSpec).M(3, "status", Empty),
        ["apps/v1/Deployment"] = new ProtoMessage("Deployment").M(1, "metadata", ObjectMeta).M(2, "spec", DeploymentSpec).M(3, "status", Empty),
        ["rbac.authorization.k8s.io/v1/Role"] = new ProtoMessage("Role").M(1, "metadata", ObjectMeta).M(2, "rules", PolicyRule, repeated: true),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = new ProtoMessage("ClusterRole").M(1, "metadata", ObjectMeta).M(2, "rules", PolicyRule, repeated: true),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = new ProtoMessage("RoleBinding").M(1, "metadata", ObjectMeta).M(2, "subjects", Subject, repeated: true).M(3, "roleRef", RoleRef),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = new ProtoMessage("ClusterRoleBinding").M(1, "metadata", ObjectMeta).M(2, "subjects", Subject, repeated: true).M(3, "roleRef", RoleRef),
        ["authorization.k8s.io/v1/SelfSubjectAccessReview"] = new ProtoMessage("SelfSubjectAccessReview").M(1, "metadata", ObjectMeta)
            .M(2, "spec", new ProtoMessage("SelfSubjectAccessReviewSpec").M(1, "resourceAttributes", ResourceAttributes).M(2, "nonResourceAttributes", NonResourceAttributes))
            .M(3, "status", Empty),
        ["authorization.k8s.io/v1/SelfSubjectRulesReview"] = new ProtoMessage("SelfSubjectRulesReview").M(1, "metadata", ObjectMeta)
            .M(2, "spec", new ProtoMessage("SelfSubjectRulesReviewSpec").F(1, "namespace")).M(3, "status", Empty),
        ["authentication.k8s.io/v1/SelfSubjectReview"] = new ProtoMessage("SelfSubjectReview").M(1, "metadata", ObjectMeta).M(2, "status", Empty),
    };
}
