namespace DBackup.DevCluster.Patch;

/// <summary>
/// The <c>patchStrategy</c>/<c>patchMergeKey</c> struct tags of the k8s.io/api types DevCluster
/// serves, transcribed as paths (checked against k8s.io/api 1.32 types.go).
/// </summary>
internal static class BuiltInPatchKeys
{
    private static readonly HashSet<string> Groups = new(StringComparer.Ordinal)
    {
        "", "apps", "batch", "autoscaling", "policy", "rbac.authorization.k8s.io", "coordination.k8s.io",
        "apiextensions.k8s.io", "networking.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "discovery.k8s.io",
        "events.k8s.io", "certificates.k8s.io", "node.k8s.io", "admissionregistration.k8s.io",
        "apiregistration.k8s.io", "flowcontrol.apiserver.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
    };

    public static bool IsBuiltInGroup(string group) => Groups.Contains(group ?? "");

    public static IEnumerable<KeyValuePair<string, ListMergeStrategy>> For(string group, string kind)
    {
        var lists = new List<KeyValuePair<string, ListMergeStrategy>>
        {
            // ObjectMeta: finalizers is patchStrategy:"merge" on a []string, ownerReferences merges by uid.
            new("metadata.finalizers", new ListMergeStrategy(null)),
            new("metadata.ownerReferences", new ListMergeStrategy("uid")),
        };

        switch (group, kind)
        {
            case ("", "Pod"):
                AddPodSpec(lists, "spec");
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                lists.Add(new("status.podIPs", new ListMergeStrategy("ip")));
                break;
            case ("", "PodTemplate"):
                AddPodSpec(lists, "template.spec");
                break;
            case ("", "ReplicationController"):
                AddPodSpec(lists, "spec.template.spec");
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                break;
            case ("apps", "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet"):
                AddPodSpec(lists, "spec.template.spec");
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                break;
            case ("batch", "Job"):
                AddPodSpec(lists, "spec.template.spec");
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                break;
            case ("batch", "CronJob"):
                AddPodSpec(lists, "spec.jobTemplate.spec.template.spec");
                break;
            case ("", "Service"):
                lists.Add(new("spec.ports", new ListMergeStrategy("port")));
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                break;
            case ("", "ServiceAccount"):
                // imagePullSecrets is +listType=atomic; only secrets merges.
                lists.Add(new("secrets", new ListMergeStrategy("name")));
                break;
            case ("", "Namespace"):
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                break;
            case ("", "Node"):
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                lists.Add(new("status.addresses", new ListMergeStrategy("type")));
                lists.Add(new("spec.podCIDRs", new ListMergeStrategy(null)));
                break;
            case ("", "PersistentVolumeClaim"):
                lists.Add(new("status.conditions", new ListMergeStrategy("type")));
                break;
        }

        return lists;
    }

    private static void AddPodSpec(List<KeyValuePair<string, ListMergeStrategy>> lists, string prefix)
    {
        foreach (var containers in new[] { "containers", "initContainers", "ephemeralContainers" })
        {
            var p = $"{prefix}.{containers}";
            lists.Add(new(p, new ListMergeStrategy("name")));
            lists.Add(new($"{p}.ports", new ListMergeStrategy("containerPort")));
            lists.Add(new($"{p}.env", new ListMergeStrategy("name")));
            lists.Add(new($"{p}.volumeMounts", new ListMergeStrategy("mountPath")));
            lists.Add(new($"{p}.volumeDevices", new ListMergeStrategy("devicePath")));
        }

        lists.Add(new($"{prefix}.volumes", new ListMergeStrategy("name", RetainKeys: true)));
        lists.Add(new($"{prefix}.imagePullSecrets", new ListMergeStrategy("name")));
        lists.Add(new($"{prefix}.hostAliases", new ListMergeStrategy("ip")));
        lists.Add(new($"{prefix}.topologySpreadConstraints", new ListMergeStrategy("topologyKey")));
        lists.Add(new($"{prefix}.resourceClaims", new ListMergeStrategy("name", RetainKeys: true)));
        lists.Add(new($"{prefix}.schedulingGates", new ListMergeStrategy("name")));
    }
}
