using DBackup.Pipeline;

namespace DBackup.Operator.Tests.Cli;

public sealed class VerifyInspectListTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<(string Payload, string Key, string KeyId)> PackEncryptedAsync()
    {
        Samples.WriteManifests(_cli);
        var (key, keyId) = await _cli.KeygenAsync("k.key");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest"), "--key-file", key, "--include-secrets");
        return (CliHarness.SinglePayload(_cli.PathOf("dest")), key, keyId);
    }

    [Fact]
    public async Task Verify_PrintsOk_WhenBackupAndKeyAreGood()
    {
        var (payload, key, keyId) = await PackEncryptedAsync();

        var run = await _cli.RunOkAsync("verify", payload, "--key-file", key);

        Assert.StartsWith("OK ", run.Out, StringComparison.Ordinal);
        Assert.Contains("8 objects", run.Out, StringComparison.Ordinal);
        Assert.Contains(keyId, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AcceptsMetaJsonPath_AndSeveralCandidateKeys()
    {
        var (payload, key, _) = await PackEncryptedAsync();
        var (other, _) = await _cli.KeygenAsync("other.key");

        await _cli.RunOkAsync("verify", payload + ".meta.json", "--key-file", other, "--key-file", key);
    }

    [Fact]
    public async Task Verify_FailsNamingExpectedKeyId_WhenKeyIsWrong()
    {
        var (payload, _, keyId) = await PackEncryptedAsync();
        var (other, otherId) = await _cli.KeygenAsync("other.key");

        var run = await _cli.RunAsync("verify", payload, "--key-file", other);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Err.Trim().Split('\n'));
        Assert.Contains(keyId, run.Err, StringComparison.Ordinal);
        Assert.Contains(otherId, run.Err, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Verify_FailsWithOneLine_WhenPayloadIsTampered()
    {
        var (payload, key, _) = await PackEncryptedAsync();
        var bytes = File.ReadAllBytes(payload);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(payload, bytes);

        var run = await _cli.RunAsync("verify", payload, "--key-file", key);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("dbackup: ", run.Err, StringComparison.Ordinal);
        Assert.Single(run.Err.Trim().Split('\n'));
        Assert.DoesNotContain("OK", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Fails_WhenFileDoesNotExist()
    {
        var run = await _cli.RunAsync("verify", _cli.PathOf("nope.tar.gz"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such file", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SaysPayloadIsMissing_WhenOnlyMetaJsonIsLeft()
    {
        var (payload, key, _) = await PackEncryptedAsync();
        File.Delete(payload);

        var run = await _cli.RunAsync("verify", payload + ".meta.json", "--key-file", key);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is missing", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_ShowsMetaButNotManifest_WhenKeyIsMissing()
    {
        var (payload, _, keyId) = await PackEncryptedAsync();

        var run = await _cli.RunOkAsync("inspect", payload);

        Assert.Contains($"keyId {keyId}", run.Out, StringComparison.Ordinal);
        Assert.Contains("Secrets:     included", run.Out, StringComparison.Ordinal);
        Assert.Contains("Objects:     8 (manifests: 8)", run.Out, StringComparison.Ordinal);
        Assert.Contains("pass --key-file", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("core/configmaps", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_ShowsComponentsResourcesAndChecksums_WhenKeyIsGiven()
    {
        var (payload, key, _) = await PackEncryptedAsync();
        var meta = BackupMeta.Parse(File.ReadAllBytes(payload + ".meta.json"));

        var run = await _cli.RunOkAsync("inspect", payload, "--key-file", key, "--objects");

        Assert.Contains(meta.Sha256, run.Out, StringComparison.Ordinal);
        Assert.Contains("apps/deployments", run.Out, StringComparison.Ordinal);
        Assert.Contains("example.com/octopi", run.Out, StringComparison.Ordinal);
        Assert.Contains("manifests/core/secrets/team-a/db-credentials.json", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_WritesJson_WhenAsked()
    {
        var (payload, key, _) = await PackEncryptedAsync();

        var run = await _cli.RunOkAsync("inspect", payload, "--key-file", key, "-o", "json");

        var json = System.Text.Json.Nodes.JsonNode.Parse(run.Out)!;
        Assert.Equal(8, (int)json["manifest"]!["objects"]!);
        Assert.Equal("pack", (string?)json["meta"]!["trigger"]);
    }

    [Fact]
    public async Task List_ShowsBackupsNewestFirst_AndFlagsBrokenOnes()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "alpha");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "beta");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "gamma");
        File.Delete(CliHarness.SinglePayload(dest, "gamma"));

        var run = await _cli.RunOkAsync("list", dest);

        var lines = run.Out.Trim().Split('\n');
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        Assert.Equal(["gamma", "beta", "alpha"], lines.Skip(1).Select(l => l.Split('-')[0]));
        Assert.Contains("payload missing", lines[1], StringComparison.Ordinal);
        Assert.Contains("redacted", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("ok", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_FiltersByPolicy_AndWritesJson()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "alpha");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "beta");

        var run = await _cli.RunOkAsync("list", dest, "--policy", "beta", "-o", "json");

        var array = System.Text.Json.Nodes.JsonNode.Parse(run.Out)!.AsArray();
        var item = Assert.Single(array)!;
        Assert.Equal("beta", (string?)item["policy"]);
        Assert.Equal("Complete", (string?)item["state"]);
    }

    [Fact]
    public async Task List_Fails_WhenFolderDoesNotExist()
    {
        var run = await _cli.RunAsync("list", _cli.PathOf("missing"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such folder", run.Err, StringComparison.Ordinal);
    }
}
