using System.Text.Json.Nodes;
using DBackup.DevCluster.Tables;

namespace DBackup.DevCluster.Tests.Tables;

public sealed class BuiltInColumnsTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("", "configmaps", "Name,Data,Age", """{"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}""", """["o",3,"3h"]""")]
    [InlineData("", "secrets", "Name,Type,Data,Age", """{"type":"Opaque","data":{"a":"MQ=="}}""", """["o","Opaque",1,"3h"]""")]
    [InlineData("", "namespaces", "Name,Status,Age", """{"status":{"phase":"Active"}}""", """["o","Active","3h"]""")]
    [InlineData("", "serviceaccounts", "Name,Secrets,Age", """{}""", """["o",0,"3h"]""")]
    [InlineData("", "services", "Name,Type,Cluster-IP,External-IP,Port(s),Age,Selector", """{"spec":{"type":"NodePort","clusterIP":"10.0.0.1","selector":{"b":"2","a":"1"},"ports":[{"port":80,"nodePort":30080},{"port":53,"protocol":"UDP"}]}}""",
        """["o","NodePort","10.0.0.1","<none>","80:30080/TCP,53/UDP","3h","a=1,b=2"]""")]
    [InlineData("", "pods", "Name,Ready,Status,Restarts,Age,IP,Node", """{"spec":{"containers":[{},{}]},"status":{"phase":"Running","podIP":"10.1.0.5","containerStatuses":[{"ready":true,"restartCount":2},{"ready":false,"restartCount":1}]}}""",
        """["o","1/2","Running",3,"3h","10.1.0.5","<none>"]""")]
    [InlineData("apps", "deployments", "Name,Ready,Up-to-date,Available,Age,Containers,Images,Selector",
        """{"spec":{"replicas":3,"selector":{"matchLabels":{"app":"o"}},"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}]}}},"status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}""",
        """["o","2/3",3,2,"3h","a,b","a:1,b:2","app=o"]""")]
    [InlineData("apiextensions.k8s.io", "customresourcedefinitions", "Name,Created At", "{}", """["o","2025-01-10T09:00:00Z"]""")]
    [InlineData("coordination.k8s.io", "leases", "Name,Holder,Age", """{"spec":{"holderIdentity":"op-1"}}""", """["o","op-1","3h"]""")]
    [InlineData("rbac.authorization.k8s.io", "roles", "Name,Created At", "{}", """["o","2025-01-10T09:00:00Z"]""")]
    [InlineData("rbac.authorization.k8s.io", "clusterrolebindings", "Name,Role,Age,Users,Groups,ServiceAccounts",
        """{"roleRef":{"kind":"ClusterRole","name":"admin"},"subjects":[{"kind":"User","name":"ann"},{"kind":"ServiceAccount","name":"op","namespace":"dbackup"},{"kind":"User","name":"bob"}]}""",
        """["o","ClusterRole/admin","3h","ann, bob","","dbackup/op"]""")]
    [InlineData("", "persistentvolumeclaims", "Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age,VolumeMode",
        """{"spec":{"volumeName":"pv-1","storageClassName":"fast","volumeMode":"Filesystem"},"status":{"phase":"Bound","capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"]}}""",
        """["o","Bound","pv-1","1Gi","RWO,ROX","fast","<unset>","3h","Filesystem"]""")]
    [InlineData("", "persistentvolumeclaims", "Name,Status,Volume,Capacity,Access Modes,StorageClass,VolumeAttributesClass,Age,VolumeMode",
        """{"spec":{"accessModes":["ReadWriteOnce"]},"status":{"phase":"Pending"}}""",
        """["o","Pending","","","","","<unset>","3h","<unset>"]""")]
    [InlineData("coordination.k8s.io", "somethingelse", "Name,Age", "{}", """["o","3h"]""")]
    public void ForBuiltIn_RendersKubectlLikeColumns_ForResource(string group, string resource, string headers, string body, string cells)
    {
        var obj = JsonNode.Parse(body)!.AsObject();
        obj["metadata"] = new JsonObject { ["name"] = "o", ["creationTimestamp"] = "2025-01-10T09:00:00Z" };

        var table = TableConverter.ToTable([obj], PrinterColumn.ForBuiltIn(group, resource), new JsonObject(), IncludeObjectPolicy.Metadata, now: Now);

        Assert.Equal(headers, string.Join(",", table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())));
        Assert.Equal(cells, TableJson.Cells(table));
    }

    [Theory]
    [InlineData("""{"type":"Normal","reason":"Created","message":" made it ","involvedObject":{"kind":"MetaBackupPolicy","name":"nightly","fieldPath":"spec"},"source":{"component":"dbackup"},"firstTimestamp":"2025-01-10T11:00:00Z","lastTimestamp":"2025-01-10T11:58:00Z","count":3}""",
        """["2m","Normal","Created","metabackuppolicy/nightly","spec","dbackup","made it","60m",3,"o"]""")]
    // events.k8s.io-style singleton: eventTime only, reporting fields, no count.
    [InlineData("""{"type":"Warning","reason":"Failed","message":"boom","involvedObject":{"kind":"Namespace"},"reportingComponent":"ctl","reportingInstance":"pod-1","eventTime":"2025-01-10T11:59:50.000000Z"}""",
        """["10s","Warning","Failed","namespace","","ctl, pod-1","boom","10s",1,"o"]""")]
    [InlineData("""{"type":"Normal","reason":"Tick","involvedObject":{"kind":"Pod","name":"p"},"series":{"count":7,"lastObservedTime":"2025-01-10T11:59:00.000000Z"},"eventTime":"2025-01-10T11:00:00.000000Z"}""",
        """["60s","Normal","Tick","pod/p","","","","60m",7,"o"]""")]
    public void ForBuiltIn_RendersEventsLikePrintEvent_WithoutLeadingName(string body, string cells)
    {
        var obj = JsonNode.Parse(body)!.AsObject();
        obj["metadata"] = new JsonObject { ["name"] = "o", ["creationTimestamp"] = "2025-01-10T09:00:00Z" };

        var table = TableConverter.ToTable([obj], PrinterColumn.ForBuiltIn("", "events"), new JsonObject(), IncludeObjectPolicy.None, now: Now);

        Assert.Equal("Last Seen,Type,Reason,Object,Subobject,Source,Message,First Seen,Count,Name",
            string.Join(",", table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())));
        Assert.Equal(cells, TableJson.Cells(table));
    }

    [Fact]
    public void ForBuiltIn_MarksWideColumnsWithPriority()
    {
        var columns = PrinterColumn.ForBuiltIn("apps", "deployments");

        Assert.Equal(["Containers", "Images", "Selector"], columns.Where(c => c.Priority > 0).Select(c => c.Name));
    }

    [Fact]
    public void ForBuiltIn_RendersUnknownAge_WhenCreationTimestampIsMissing()
    {
        var obj = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "o" } };

        var table = TableConverter.ToTable([obj], PrinterColumn.ForBuiltIn("", "configmaps"), new JsonObject(), IncludeObjectPolicy.None, now: Now);

        Assert.Equal("""["o",0,"<unknown>"]""", TableJson.Cells(table));
    }
}
