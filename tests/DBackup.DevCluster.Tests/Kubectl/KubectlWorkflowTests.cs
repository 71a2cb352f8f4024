using DBackup.DevCluster.Faults;

namespace DBackup.DevCluster.Tests.Kubectl;

/// <summary>Everyday kubectl workflows beyond CRUD, and how kubectl reacts to injected faults.</summary>
public sealed class KubectlWorkflowTests(KubectlFixture fixture) : IClassFixture<KubectlFixture>
{
    private KubectlRunner Kubectl => fixture.Kubectl;

    [KubectlFact]
    public async Task LabelAndSelector_FindOnlyLabelledObjects()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("labelled", 1));
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("plain", 1));

        await Kubectl.OkAsync("label widget labelled tier=gold");

        Assert.Equal("widget.smoke.dbackup.io/labelled\n", await Kubectl.OkAsync("get widgets -l tier=gold -o name"));
    }

    [KubectlFact]
    public async Task ImperativeCreate_Works_WithProtobufBodies()
    {
        // kubectl's generators (create configmap/secret/namespace/sa/role) send protobuf request bodies.
        Assert.Contains("configmap/imp-cm created", await Kubectl.OkAsync("create configmap imp-cm --from-literal=a=1 --from-literal=b=2"), StringComparison.Ordinal);
        Assert.Contains("secret/imp-secret created", await Kubectl.OkAsync("create secret generic imp-secret --from-literal=k=v"), StringComparison.Ordinal);
        Assert.Contains("namespace/imp-ns created", await Kubectl.OkAsync("create namespace imp-ns"), StringComparison.Ordinal);
        Assert.Contains("role.rbac.authorization.k8s.io/imp-role created", await Kubectl.OkAsync("create role imp-role --verb=get --resource=configmaps"), StringComparison.Ordinal);

        Assert.Equal("""{"a":"1","b":"2"}""", await Kubectl.OkAsync(["get", "configmap", "imp-cm", "-o", "jsonpath={.data}"]));
        Assert.Equal("dg==", await Kubectl.OkAsync(["get", "secret", "imp-secret", "-o", "jsonpath={.data.k}"]));
        Assert.Matches(@"^imp-role\s+\d{4}-\d{2}-\d{2}T", await Kubectl.OkAsync("get role imp-role --no-headers"));
    }

    [KubectlFact]
    public async Task Diff_ExitsOneWithChange_AndZeroWithout()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("diffed", 2));

        var same = await Kubectl.RunAsync("diff -f -", Manifests.Widget("diffed", 2));
        var changed = await Kubectl.RunAsync("diff -f -", Manifests.Widget("diffed", 3));

        Assert.Equal(0, same.ExitCode);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("+  size: 3", changed.Stdout, StringComparison.Ordinal);
        Assert.Equal("2", await Kubectl.OkAsync(["get", "widget", "diffed", "-o", "jsonpath={.spec.size}"]));
    }

    [KubectlFact]
    public async Task DeleteDryRunServer_KeepsTheObject()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("survivor", 1));

        Assert.Contains("(server dry run)", await Kubectl.OkAsync("delete widget survivor --dry-run=server"), StringComparison.Ordinal);

        Assert.Equal("widget.smoke.dbackup.io/survivor\n", await Kubectl.OkAsync("get widget survivor -o name"));
    }

    [KubectlFact]
    public async Task WaitForJsonPath_Succeeds_WhenStatusIsSet()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("waited", 1));
        await Kubectl.OkAsync(["patch", "widget", "waited", "--subresource=status", "--type", "merge", "-p", """{"status":{"phase":"Ready"}}"""]);

        var output = await Kubectl.OkAsync(["wait", "--for=jsonpath={.status.phase}=Ready", "widget/waited", "--timeout=10s"]);

        Assert.Contains("condition met", output, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task GetEvents_ShowsEventColumns()
    {
        await Kubectl.OkAsync("create -f -", """
            apiVersion: v1
            kind: Event
            metadata: {name: backup-done.1}
            type: Normal
            reason: BackupSucceeded
            message: wrote 12 objects
            involvedObject: {kind: MetaBackupPolicy, name: nightly, namespace: default}
            source: {component: dbackup}
            count: 2
            """);

        var output = await Kubectl.OkAsync("get events");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\s*$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"Normal\s+BackupSucceeded\s+metabackuppolicy/nightly\s+wrote 12 objects$"));
    }

    [KubectlFact]
    public async Task Get_RetriesAfter429_AndSucceeds()
    {
        var rule = new FaultRule { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(1), Times = 1, Method = "GET", PathPattern = "/api/v1/namespaces/default/configmaps*" };
        using var _ = fixture.Cluster.Faults.Add(rule);

        var output = await Kubectl.OkAsync("get configmaps -o name");

        Assert.Contains("configmap/kube-root-ca.crt", output, StringComparison.Ordinal);
        Assert.Equal(1, rule.Fired);
    }

    [KubectlFact]
    public async Task Get_ReportsServerError_When500IsInjected()
    {
        var rule = FaultRule.Status(500, pathPattern: "/api/v1/namespaces/default/secrets*", method: "GET");
        using var _ = fixture.Cluster.Faults.Add(rule);

        var result = await Kubectl.RunAsync("get secrets");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error from server (InternalError)", result.Stderr, StringComparison.Ordinal);
        Assert.True(rule.Fired >= 1);
    }
}
