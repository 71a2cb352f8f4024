using System.Text;
using System.Text.Json.Nodes;
using DBackup.Operator.Tests.Cli;
using k8s;

namespace DBackup.Operator.Tests.Restore;

/// <summary><c>dbackup restore</c> end to end: packed manifests into a fresh DevCluster through its kubeconfig.</summary>
public sealed class RestoreCommandTests : IAsyncLifetime
{
    private const string OtherCanary = "canary-5d20ac-second-value-never-printed";
    private readonly CliHarness _cli = new();
    private DevCluster.DevCluster _cluster = null!;
    private string _key = null!;
    private string _backup = null!;

    private string Kubeconfig => _cli.PathOf("kubeconfig");

    private IKubernetes Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        _cluster = await DevCluster.DevCluster.StartAsync(new DevCluster.DevClusterOptions { KubeconfigPath = Kubeconfig });
        Samples.WriteManifests(_cli);
        (_key, _) = await _cli.KeygenAsync("k.key");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest"), "--key-file", _key, "--include-secrets", "--name", "app");
        _backup = CliHarness.SinglePayload(_cli.PathOf("dest"));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _cli.Dispose();
    }

    [Fact]
    public async Task Restore_IntoFreshCluster_CreatesEverything_CrdBeforeItsObjects_ThenIsUnchanged()
    {
        var run = await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key);

        Assert.Contains("0 failed", run.Out, StringComparison.Ordinal);
        var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("octopi.example.com");
        Assert.Contains(crd.Status.Conditions, c => c is { Type: "Established", Status: "True" });
        var paul = await Client.CustomObjects.GetClusterCustomObjectAsync("example.com", "v1", "octopi", "paul");
        Assert.Contains("\"arms\":8", paul.ToString()!.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var secret = await Client.CoreV1.ReadNamespacedSecretAsync("db-credentials", "team-a");
        Assert.Equal(Samples.Canary, Encoding.UTF8.GetString(secret.Data["password"]));
        Assert.Equal("8080", (await Client.CoreV1.ReadNamespacedConfigMapAsync("app-config", "default")).Data["port"]);
        Assert.Equal(2, (await Client.AppsV1.ReadNamespacedDeploymentAsync("web", "team-a")).Spec.Replicas);
        Assert.NotNull(await Client.RbacAuthorizationV1.ReadClusterRoleAsync("system:dbackup-viewer"));
        Assert.DoesNotContain(Samples.Canary, run.Out + run.Err, StringComparison.Ordinal);
        var lines = run.Out.Split('\n');
        Assert.True(Array.FindIndex(lines, l => l.Contains("customresourcedefinitions", StringComparison.Ordinal))
            < Array.FindIndex(lines, l => l.Contains("octopi.example.com   ", StringComparison.Ordinal) && !l.Contains("customresourcedefinitions", StringComparison.Ordinal)), run.Out);

        var again = await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key, "--mode", "Overwrite");
        Assert.Contains("0 created, 0 updated, 8 unchanged", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_DryRun_ShowsDiffs_HidesSecretValues_AndChangesNothing()
    {
        await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key);
        await ChangeAsync("9090", OtherCanary);
        var before = _cluster.ResourceVersion;

        var run = await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key, "--dry-run", "--mode", "Overwrite");

        Assert.Contains("would update", run.Out, StringComparison.Ordinal);
        Assert.Contains("data.port: \"9090\" → \"8080\"", run.Out, StringComparison.Ordinal);
        Assert.Contains("data.password: (secret value changed)", run.Out, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.Canary, run.Out + run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherCanary, run.Out + run.Err, StringComparison.Ordinal);
        Assert.Equal(before, _cluster.ResourceVersion);
        Assert.Equal("9090", (await Client.CoreV1.ReadNamespacedConfigMapAsync("app-config", "default")).Data["port"]);
    }

    /// <summary><c>-o json</c>: the same plan as one document for scripts, diffs included, Secret values still hidden.</summary>
    [Fact]
    public async Task Restore_OutputJson_DescribesThePlanAndTheResult_WithoutSecretValues()
    {
        await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key);
        await ChangeAsync("9090", OtherCanary);
        var before = _cluster.ResourceVersion;

        var plan = await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key, "--dry-run", "--mode", "Overwrite", "-o", "json");

        var doc = JsonNode.Parse(plan.Out)!;
        Assert.Equal(("Succeeded", true), ((string)doc["outcome"]!, (bool)doc["dryRun"]!));
        Assert.Equal((2, 6, 0), ((int)doc["counts"]!["updated"]!, (int)doc["counts"]!["unchanged"]!, (int)doc["counts"]!["failed"]!));
        var items = doc["items"]!.AsArray();
        Assert.Equal(8, items.Count);
        var config = items.Single(i => (string?)i!["name"] == "app-config")!;
        Assert.Equal(("update", "configmaps", "default"), ((string)config["action"]!, (string)config["resource"]!, (string)config["namespace"]!));
        Assert.Contains("data.port: \"9090\" → \"8080\"", (string)config["reason"]!, StringComparison.Ordinal);
        Assert.Contains("data.password: (secret value changed)", (string)items.Single(i => (string?)i!["name"] == "db-credentials")!["reason"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherCanary, plan.Out + plan.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.Canary, plan.Out + plan.Err, StringComparison.Ordinal);
        Assert.Equal(before, _cluster.ResourceVersion);

        var (otherKey, _) = await _cli.KeygenAsync("json-other.key");
        var refused = await _cli.RunAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", otherKey, "-o", "json");

        Assert.Equal(1, refused.ExitCode);
        var failed = JsonNode.Parse(refused.Out)!;
        Assert.Equal(("Failed", "InvalidBackup"), ((string)failed["outcome"]!, (string)failed["failureKind"]!));
        Assert.Contains("encrypted with key", (string)failed["failureReason"]!, StringComparison.Ordinal);
        Assert.Empty(failed["items"]!.AsArray());
        Assert.StartsWith("dbackup: ", refused.Err, StringComparison.Ordinal);
        Assert.Equal(before, _cluster.ResourceVersion);
    }

    [Fact]
    public async Task Restore_Overwrite_WithSafetyBackup_WhichRestoresThePreviousState()
    {
        await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key);
        await ChangeAsync("9090", OtherCanary);
        var safetyDest = _cli.PathOf("safety");

        var run = await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key, "--mode", "Overwrite", "--safety-backup", safetyDest);

        Assert.Contains("Safety backup", run.Out, StringComparison.Ordinal);
        Assert.Equal("8080", (await Client.CoreV1.ReadNamespacedConfigMapAsync("app-config", "default")).Data["port"]);
        var safety = CliHarness.SinglePayload(safetyDest);
        Assert.EndsWith(".enc", safety, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherCanary, File.ReadAllText(safety), StringComparison.Ordinal);
        await _cli.RunOkAsync("restore", safety, "--kubeconfig", Kubeconfig, "--key-file", _key, "--mode", "Overwrite");
        Assert.Equal("9090", (await Client.CoreV1.ReadNamespacedConfigMapAsync("app-config", "default")).Data["port"]);
        Assert.Equal(OtherCanary, Encoding.UTF8.GetString((await Client.CoreV1.ReadNamespacedSecretAsync("db-credentials", "team-a")).Data["password"]));
    }

    [Fact]
    public async Task Restore_ExitCodes_WrongKeyIsOneLineFailure_BadMapIsUsage_NothingWritten()
    {
        var (otherKey, _) = await _cli.KeygenAsync("other.key");
        var before = _cluster.ResourceVersion;

        var wrongKey = await _cli.RunAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", otherKey);
        var badMap = await _cli.RunAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key, "--namespace-map", "team-a");
        var missing = await _cli.RunAsync("restore", _cli.PathOf("nope.tar.gz"), "--kubeconfig", Kubeconfig);

        Assert.Equal(1, wrongKey.ExitCode);
        Assert.StartsWith("dbackup: ", wrongKey.Err, StringComparison.Ordinal);
        Assert.Single(wrongKey.Err.Trim().Split('\n'));
        Assert.Contains("encrypted with key", wrongKey.Err, StringComparison.Ordinal);
        Assert.Equal(2, badMap.ExitCode);
        Assert.Contains("FROM=TO", badMap.Err, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(before, _cluster.ResourceVersion);
    }

    [Fact]
    public async Task Restore_AFileCopiedWithoutItsMetaJson_IsVerifiedAndRestored_WithAWarning()
    {
        var lone = CopyOfBackup("lone", File.ReadAllBytes(_backup));

        var run = await _cli.RunOkAsync("restore", lone, "--kubeconfig", Kubeconfig, "--key-file", _key);

        Assert.Contains("8 created", run.Out, StringComparison.Ordinal);
        Assert.Contains(".meta.json is missing: read from the payload alone", run.Err, StringComparison.Ordinal);
        Assert.Equal("8080", (await Client.CoreV1.ReadNamespacedConfigMapAsync("app-config", "default")).Data["port"]);
    }

    [Fact]
    public async Task Restore_Component_SelectsOnlyThatComponentsObjects()
    {
        var before = _cluster.ResourceVersion;

        var other = await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key, "--component", "not-in-this-backup");

        Assert.Contains("0 created, 0 updated, 0 unchanged, 0 skipped, 0 failed", other.Out, StringComparison.Ordinal);
        Assert.Equal(before, _cluster.ResourceVersion);

        var packed = await _cli.RunOkAsync("restore", _backup, "--kubeconfig", Kubeconfig, "--key-file", _key, "--component", DBackup.Operator.Cli.PackCommand.DefaultComponent);

        Assert.Contains("8 created", packed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_ATruncatedFileWithoutMetaJson_ChangesNothing()
    {
        var bytes = File.ReadAllBytes(_backup);
        var lone = CopyOfBackup("cut", bytes[..(bytes.Length * 2 / 3)]);
        var before = _cluster.ResourceVersion;

        var run = await _cli.RunAsync("restore", lone, "--kubeconfig", Kubeconfig, "--key-file", _key);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("dbackup: ", run.Err, StringComparison.Ordinal);
        Assert.Equal(before, _cluster.ResourceVersion);
    }

    [Fact]
    public async Task Restore_AFileWithAnUnreadableMetaJson_IsRefused_NotReadAlone()
    {
        var copy = CopyOfBackup("badmeta", File.ReadAllBytes(_backup));
        File.WriteAllText(copy + ".meta.json", "{ not json");
        var before = _cluster.ResourceVersion;

        var run = await _cli.RunAsync("restore", copy, "--kubeconfig", Kubeconfig, "--key-file", _key);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot be restored", run.Err, StringComparison.Ordinal);
        Assert.Equal(before, _cluster.ResourceVersion);
    }

    [Fact]
    public async Task Restore_ExitsOne_WhenAnObjectFails_AndStillAppliesTheRest()
    {
        _cli.Write("broken/cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: fine, namespace: default}
            data: {a: "1"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: broken, namespace: default, labels: {"not a valid key!": x}}
            data: {a: "1"}
            """);
        await _cli.RunOkAsync("pack", _cli.PathOf("broken"), "--dest", _cli.PathOf("broken-dest"), "--name", "broken");

        var run = await _cli.RunAsync("restore", CliHarness.SinglePayload(_cli.PathOf("broken-dest")), "--kubeconfig", Kubeconfig);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("fail", run.Out.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("broken", run.Out.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("dbackup: 1 object(s) failed", run.Err, StringComparison.Ordinal);
        Assert.Equal("1", (await Client.CoreV1.ReadNamespacedConfigMapAsync("fine", "default")).Data["a"]);
    }

    private async Task ChangeAsync(string port, string password)
    {
        var cm = await Client.CoreV1.ReadNamespacedConfigMapAsync("app-config", "default");
        cm.Data["port"] = port;
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "app-config", "default");
        var secret = await Client.CoreV1.ReadNamespacedSecretAsync("db-credentials", "team-a");
        secret.Data["password"] = Encoding.UTF8.GetBytes(password);
        await Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "db-credentials", "team-a");
    }

    /// <summary>The backup's payload (or <paramref name="bytes"/> in its place) alone in a folder of its own, without its meta.json.</summary>
    private string CopyOfBackup(string folder, byte[] bytes)
    {
        var path = _cli.PathOf(folder, Path.GetFileName(_backup));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
