using DBackup.Operator.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>
/// config/default builds with `kubectl kustomize`, installs the same operator as the chart with default values (RBAC rules,
/// Deployment security, flags, image), and every object is accepted by an API server (server-side dry run).
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class KustomizeTests(PackagingClusterFixture cluster)
{
    [Fact]
    public async Task ConfigDefault_Builds_AndIsAcceptedByTheApiServer()
    {
        var rendered = await BuildAsync();

        Assert.Equal(["Namespace"], rendered.Objects.Take(1).Select(Rendered.Kind));
        Assert.Equal(3, rendered.OfKind("CustomResourceDefinition").Count());
        Assert.All(rendered.Objects.Where(o => Rendered.Kind(o) is not ("Namespace" or "CustomResourceDefinition" or "ClusterRole" or "ClusterRoleBinding")),
            o => Assert.Equal(HelmChart.Namespace, Rendered.Namespace(o)));

        await cluster.EnsureNamespacesAsync([HelmChart.Namespace]);
        await cluster.DryRunApplyAsync(rendered.Objects.Where(o => Rendered.Kind(o) != "Namespace"));
    }

    [Fact]
    public async Task KubectlApplyK_InstallsTheOperator()
    {
        string[] kubeconfig = ["--kubeconfig", cluster.Cluster.KubeconfigPath];

        var applied = await PackagingTools.RunAsync(PackagingTools.Kubectl, ["apply", "-k", RepoPaths.Of("config", "default"), .. kubeconfig]);

        Assert.Contains("deployment.apps/dbackup-operator", applied.EnsureSuccess().Stdout, StringComparison.Ordinal);
        var deployment = await cluster.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(HelmChart.Release, HelmChart.Namespace);
        Assert.Equal(HelmChart.Release, deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal($"ghcr.io/dbackup/dbackup-operator:{ProjectVersion.Value}", deployment.Spec.Template.Spec.Containers.Single().Image);
        var binding = await cluster.Cluster.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync($"{HelmChart.Release}-restore");
        Assert.Equal(HelmChart.Namespace, binding.Subjects.Single().NamespaceProperty);
        // Applying again changes nothing (GitOps tools re-apply all the time).
        var again = await PackagingTools.RunAsync(PackagingTools.Kubectl, ["apply", "-k", RepoPaths.Of("config", "default"), .. kubeconfig]);
        Assert.DoesNotContain(" created", again.EnsureSuccess().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rbac_MatchesTheChartsDefaults()
    {
        var kustomize = await BuildAsync();
        var helm = await HelmChart.TemplateAsync("default");

        foreach (var kind in new[] { "ClusterRole", "Role" })
        {
            Assert.Equal(Describe(helm, kind), Describe(kustomize, kind));
        }

        foreach (var kind in new[] { "ClusterRoleBinding", "RoleBinding", "ServiceAccount" })
        {
            Assert.Equal(helm.OfKind(kind).Select(Binding).Order(StringComparer.Ordinal), kustomize.OfKind(kind).Select(Binding).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Deployment_MatchesTheChartsDefaults()
    {
        var kustomize = (await BuildAsync()).OperatorContainer(HelmChart.Release);
        var helm = (await HelmChart.TemplateAsync("default")).OperatorContainer(HelmChart.Release);

        foreach (var field in new[] { "image", "args", "env", "ports", "securityContext", "livenessProbe", "readinessProbe", "resources", "volumeMounts" })
        {
            Assert.True(Rendered.Canonical(helm[field]) == Rendered.Canonical(kustomize[field]),
                $"{field} differs:\n helm:      {Rendered.Canonical(helm[field])}\n kustomize: {Rendered.Canonical(kustomize[field])}");
        }

        var podFields = new[] { "securityContext", "serviceAccountName", "terminationGracePeriodSeconds", "volumes" };
        var helmPod = (await HelmChart.TemplateAsync("default")).Single("Deployment", HelmChart.Release)["spec"]!["template"]!["spec"]!;
        var kustomizePod = (await BuildAsync()).Single("Deployment", HelmChart.Release)["spec"]!["template"]!["spec"]!;
        Assert.All(podFields, f => Assert.Equal(Rendered.Canonical(helmPod[f]), Rendered.Canonical(kustomizePod[f])));
    }

    [Fact]
    public void CrdKustomization_ListsEveryGeneratedCrd()
    {
        var folder = RepoPaths.Of("config", "crd");
        var listed = Rendered.Parse(File.ReadAllText(Path.Combine(folder, "kustomization.yml"))).Objects.Single()["resources"]!.AsArray()
            .Select(r => (string)r!);

        Assert.Equal(Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    private static async Task<Rendered> BuildAsync()
    {
        var result = await PackagingTools.RunAsync(PackagingTools.Kubectl, ["kustomize", RepoPaths.Of("config", "default")]);
        return Rendered.Parse(result.EnsureSuccess().Stdout);
    }

    private static string Binding(System.Text.Json.Nodes.JsonObject o) =>
        $"{Rendered.Namespace(o)}/{Rendered.Name(o)} {Rendered.Canonical(o["roleRef"])} {Rendered.Canonical(o["subjects"])}";

    private static IEnumerable<string> Describe(Rendered rendered, string kind) =>
        rendered.OfKind(kind).OrderBy(Rendered.Name, StringComparer.Ordinal)
            .Select(o => $"{Rendered.Namespace(o)}/{Rendered.Name(o)}: {string.Join("; ", HelmChart.Rules(o))}");
}
