using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Tests.Objects;

public sealed class ObjectCleanerTests
{
    [Fact]
    public void Clean_RemovesServerPopulatedFields()
    {
        var obj = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ConfigMap",
             "metadata":{"name":"cm","namespace":"a","uid":"u","resourceVersion":"12","generation":3,
               "creationTimestamp":"2026-01-01T00:00:00Z","managedFields":[{"manager":"kubectl"}],"selfLink":"/x",
               "deletionTimestamp":"2026-01-02T00:00:00Z","deletionGracePeriodSeconds":30,
               "ownerReferences":[{"uid":"o"}],
               "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"},
               "labels":{"app":"x"}},
             "data":{"k":"v"},"status":{"phase":"x"}}
            """)!.AsObject();

        var clean = ObjectCleaner.Clean(obj);

        Assert.Equal("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"a","labels":{"app":"x"}},"data":{"k":"v"}}""", clean.ToJsonString());
        Assert.NotNull(obj["status"]);
    }

    [Fact]
    public void Clean_RemovesClusterIps_WhenServiceHasAllocatedIp()
    {
        var svc = JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],"ports":[{"port":80}]}}""")!.AsObject();

        var clean = ObjectCleaner.Clean(svc);

        Assert.Equal("""{"ports":[{"port":80}]}""", clean["spec"]!.ToJsonString());
    }

    [Fact]
    public void Clean_KeepsClusterIpNone_WhenServiceIsHeadless()
    {
        var svc = JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"clusterIP":"None","clusterIPs":["None"]}}""")!.AsObject();

        var clean = ObjectCleaner.Clean(svc);

        Assert.Equal("None", (string?)clean["spec"]!["clusterIP"]);
    }

    [Fact]
    public void Clean_KeepsSpecClusterIp_WhenKindIsNotService()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"t"},"spec":{"clusterIP":"10.0.0.1"}}""")!.AsObject();

        var clean = ObjectCleaner.Clean(obj);

        Assert.Equal("10.0.0.1", (string?)clean["spec"]!["clusterIP"]);
    }
}
