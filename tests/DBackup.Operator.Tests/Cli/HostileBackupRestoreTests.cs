using k8s;
using k8s.Autorest;

namespace DBackup.Operator.Tests.Cli;

/// <summary>
/// <c>dbackup restore</c> reads through the same reader as verify: a planted backup that breaks the format is
/// refused with the same one line before anything reaches the cluster, with or without <c>--dry-run</c>.
/// </summary>
public sealed class HostileBackupRestoreTests : IAsyncLifetime
{
    private readonly CliHarness _cli = new();
    private DevCluster.DevCluster _cluster = null!;

    private string Kubeconfig => _cli.PathOf("kubeconfig");

    public async Task InitializeAsync() =>
        _cluster = await DevCluster.DevCluster.StartAsync(new DevCluster.DevClusterOptions { KubeconfigPath = Kubeconfig });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _cli.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restore_RefusesPlantedClusterRoleBinding_AndChangesNothing(bool dryRun)
    {
        var payload = await HostileBackups.WriteAsync(_cli.PathOf("dest"),
        [
            ("main/core/configmaps/shop/innocent.json", HostileBackups.Object("v1", "ConfigMap", "innocent", "shop")),
            ("main/rbac.authorization.k8s.io/clusterrolebindings/shop/pwn-admin.json", HostileBackups.PwnAdmin("shop")),
        ]);
        var verify = await _cli.RunAsync("verify", payload);

        var run = await _cli.RunAsync(["restore", payload, "--kubeconfig", Kubeconfig, .. dryRun ? new[] { "--dry-run" } : []]);

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains("clusterrolebindings.rbac.authorization.k8s.io is cluster-scoped", line, StringComparison.Ordinal);
        Assert.EndsWith(verify.Err.TrimEnd('\n')[(verify.Err.IndexOf(": ", "dbackup: ".Length, StringComparison.Ordinal) + 2)..], line, StringComparison.Ordinal);
        var crb = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync("pwn-admin"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, crb.Response.StatusCode);
        var configMaps = await _cluster.Client.CoreV1.ListNamespacedConfigMapAsync("shop");
        Assert.DoesNotContain(configMaps.Items, c => c.Metadata.Name == "innocent");
    }
}
