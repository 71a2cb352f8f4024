using System.Text.Json.Nodes;
using DBackup.Operator.Cli;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>The chart's Deployment: hardened pod, probes, downward API, data volumes, and flags the binary really has.</summary>
public sealed class HelmDeploymentTests
{
    [Fact]
    public async Task Default_PodIsHardened_AndProbed()
    {
        var rendered = await HelmChart.TemplateAsync("default");
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(rendered.Single("Deployment", HelmChart.Release).ToJsonString(), strict: true);
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.True(container.SecurityContext.RunAsNonRoot);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Null(container.SecurityContext.Capabilities.Add);
        Assert.Equal("RuntimeDefault", container.SecurityContext.SeccompProfile.Type);

        Assert.NotNull(container.Resources.Requests["cpu"]);
        Assert.NotNull(container.Resources.Requests["memory"]);
        Assert.NotNull(container.Resources.Limits["memory"]);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("http-metrics", container.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal(8080, container.Ports.Single(p => p.Name == "http-metrics").ContainerPort);

        Assert.Equal("metadata.name", container.Env.Single(e => e.Name == "POD_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", container.Env.Single(e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        Assert.Contains("--leader-elect", container.Args);
        Assert.Null(container.Command); // the image's entrypoint, `dbackup operator`, stays
        Assert.Equal(HelmChart.Release, pod.ServiceAccountName);

        // Read-only root: the data dir and /tmp are writable volumes.
        var mounts = container.VolumeMounts.ToDictionary(m => m.MountPath, m => m.Name);
        Assert.NotNull(pod.Volumes.Single(v => v.Name == mounts["/var/lib/dbackup"]).EmptyDir);
        Assert.NotNull(pod.Volumes.Single(v => v.Name == mounts["/tmp"]).EmptyDir);
        Assert.Contains("--data-dir=/var/lib/dbackup", container.Args);
    }

    [Theory]
    [MemberData(nameof(HelmChart.VariantNames), MemberType = typeof(HelmChart))]
    public async Task Args_AreFlagsOfDbackupOperator(string variant)
    {
        var container = (await HelmChart.TemplateAsync(variant)).OperatorContainer(HelmChart.Release);
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToArray();

        var parse = ParseOperator(args);

        Assert.True(parse.Errors.Count == 0, $"dbackup operator {string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        Assert.Equal("/var/lib/dbackup", parse.GetValue<string>("--data-dir"));
        Assert.Equal(8080, parse.GetValue<int>("--port"));
    }

    [Fact]
    public async Task OperatorValues_BecomeFlags()
    {
        var container = (await HelmChart.TemplateAsync("admin-namespaces")).OperatorContainer(HelmChart.Release);
        var parse = ParseOperator(container["args"]!.AsArray().Select(a => (string)a!).ToArray());

        Assert.Equal(["dbackup-system", "platform"], parse.GetValue<string[]>("--admin-namespace") ?? []);
        Assert.Equal("prod-eu1", parse.GetValue<string>("--cluster-name"));
        Assert.Equal("text", parse.GetValue<string>("--log-format"));
        Assert.Equal(4, parse.GetValue<int>("--max-concurrent-backups"));
        Assert.False(parse.GetValue<bool>("--leader-elect"));
    }

    [Fact]
    public async Task Persistence_MountsAClaim_AndRecreates()
    {
        var rendered = await HelmChart.TemplateAsync("persistence");
        var pvc = rendered.Single("PersistentVolumeClaim", $"{HelmChart.Release}-data");
        var deployment = rendered.Single("Deployment", HelmChart.Release);
        var volumes = deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray();

        Assert.Equal("fast", (string?)pvc["spec"]!["storageClassName"]);
        Assert.Equal("keep", (string?)pvc["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        Assert.Equal($"{HelmChart.Release}-data", (string?)volumes.Single(v => (string?)v!["name"] == "data")!["persistentVolumeClaim"]!["claimName"]);
        Assert.Equal("Recreate", (string?)deployment["spec"]!["strategy"]!["type"]);
        Assert.Equal("shared-backups", (string?)volumes.Single(v => (string?)v!["name"] == "backups")!["persistentVolumeClaim"]!["claimName"]);
        var container = rendered.OperatorContainer(HelmChart.Release);
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => (string?)m!["mountPath"] == "/backups");
        Assert.Contains(container["env"]!.AsArray(), e => (string?)e!["name"] == "AWS_REGION");
    }

    [Fact]
    public async Task ExistingClaim_IsUsed_AndNoneIsCreated()
    {
        var rendered = await HelmChart.TemplateAsync("persistence", "--set", "persistence.existingClaim=ops-data");
        var volumes = rendered.Single("Deployment", HelmChart.Release)["spec"]!["template"]!["spec"]!["volumes"]!.AsArray();

        Assert.False(rendered.Has("PersistentVolumeClaim"));
        Assert.Equal("ops-data", (string?)volumes.Single(v => (string?)v!["name"] == "data")!["persistentVolumeClaim"]!["claimName"]);
    }

    [Fact]
    public async Task Image_DefaultsToTheChartsAppVersion()
    {
        var rendered = await HelmChart.TemplateAsync("default");
        var chart = Rendered.Parse(await File.ReadAllTextAsync(Path.Combine(HelmChart.Folder, "Chart.yaml"))).Objects.Single();
        var image = (string)rendered.OperatorContainer(HelmChart.Release)["image"]!;

        Assert.EndsWith(":" + (string)chart["appVersion"]!, image, StringComparison.Ordinal);
        Assert.Equal(ProjectVersion.Value, (string)chart["appVersion"]!);
        Assert.Equal(ProjectVersion.Value, (string)chart["version"]!);
    }

    private static System.CommandLine.ParseResult ParseOperator(string[] args)
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, _ => null, stderrIsTerminal: false);
        return DBackupCommand.Build(context).Parse(["operator", .. args]);
    }
}
