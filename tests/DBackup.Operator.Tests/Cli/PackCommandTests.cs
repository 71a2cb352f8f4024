using System.Text;
using DBackup.Pipeline;

namespace DBackup.Operator.Tests.Cli;

public sealed class PackCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Pack_WritesUnencryptedRedactedBackup_WhenNoKeyIsGiven()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");

        var run = await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest);

        var payload = CliHarness.SinglePayload(dest, "manifests");
        Assert.EndsWith(".tar.gz", payload, StringComparison.Ordinal);
        var meta = BackupMeta.Parse(File.ReadAllBytes(payload + ".meta.json"));
        Assert.Equal("pack", meta.Trigger);
        Assert.Equal("manifests", meta.Policy);
        Assert.False(meta.IncludesSecrets);
        Assert.False(meta.Encryption.Enabled);
        Assert.Equal(8, meta.Objects);
        Assert.Contains(meta.Sha256, run.Out, StringComparison.Ordinal);
        Assert.Contains("1 Secrets redacted", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_NeverWritesCanarySecretValue_WhenSecretsAreRedacted()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");

        var run = await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "shared");

        var payload = CliHarness.SinglePayload(dest);
        var plain = CliHarness.ReadTarGz(payload).SelectMany(e => e.Data).ToArray();
        var secretEntry = CliHarness.ReadTarGz(payload).Single(e => e.Name.Contains("/secrets/", StringComparison.Ordinal));
        Assert.Contains("dbackup.io/redacted", Encoding.UTF8.GetString(secretEntry.Data), StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.Canary, Encoding.UTF8.GetString(plain), StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(dest, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(Samples.Canary, Encoding.UTF8.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Samples.Canary, run.Out + run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_RefusesIncludeSecrets_WhenNoKeyIsGiven()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");

        var run = await _cli.RunAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--include-secrets");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("dbackup: --include-secrets needs --key-file or DBACKUP_KEY: Secret values must not be written unencrypted", run.Err.Trim());
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFiles(dest, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Pack_EncryptsWithSecrets_WhenKeyFileIsGiven()
    {
        Samples.WriteManifests(_cli);
        var (key, keyId) = await _cli.KeygenAsync("k.key");
        var dest = _cli.PathOf("dest");

        var run = await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", key, "--include-secrets");

        var payload = CliHarness.SinglePayload(dest);
        Assert.EndsWith(".tar.gz.enc", payload, StringComparison.Ordinal);
        var meta = BackupMeta.Parse(File.ReadAllBytes(payload + ".meta.json"));
        Assert.True(meta.IncludesSecrets);
        Assert.Equal(keyId, meta.Encryption.KeyId);
        Assert.Contains($"keyId {keyId}", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.Canary, Encoding.UTF8.GetString(File.ReadAllBytes(payload)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_UsesDbackupKeyVariable_WhenNoKeyFileIsGiven()
    {
        Samples.WriteManifests(_cli);
        var (key, keyId) = await _cli.KeygenAsync("k.key");
        _cli.Environment["DBACKUP_KEY"] = File.ReadAllText(key);
        var dest = _cli.PathOf("dest");

        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--include-secrets");

        Assert.Equal(keyId, BackupMeta.Parse(File.ReadAllBytes(CliHarness.SinglePayload(dest) + ".meta.json")).Encryption.KeyId);
    }

    [Fact]
    public async Task Pack_FailsNamingBothPlaces_WhenObjectIsDefinedTwice()
    {
        _cli.Write("m/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n");
        _cli.Write("m/b.yaml", "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: default}\n");

        var run = await _cli.RunAsync("pack", _cli.PathOf("m"), "--dest", _cli.PathOf("dest"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("b.yaml:2", run.Err, StringComparison.Ordinal);
        Assert.Contains("a.yaml:1", run.Err, StringComparison.Ordinal);
        Assert.Single(run.Err.Trim().Split('\n'));
    }

    [Fact]
    public async Task Pack_FailsNamingFileAndLine_WhenYamlIsBad()
    {
        _cli.Write("m/good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        _cli.Write("m/sub/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [b\n");

        var run = await _cli.RunAsync("pack", _cli.PathOf("m"), "--dest", _cli.PathOf("dest"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("dbackup: sub/bad.yaml:", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.PathOf("dest")));
    }

    [Fact]
    public async Task Pack_ShowsStackTrace_OnlyWhenVerbose()
    {
        _cli.Write("m/bad.yaml", "a: [b\n");

        var quiet = await _cli.RunAsync("pack", _cli.PathOf("m"), "--dest", _cli.PathOf("dest"));
        var verbose = await _cli.RunAsync("pack", _cli.PathOf("m"), "--dest", _cli.PathOf("dest"), "--verbose");

        Assert.DoesNotContain("   at ", quiet.Err, StringComparison.Ordinal);
        Assert.Contains("   at ", verbose.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_WarnsAboutGuessedKinds_ButNotAboutKindsWithCrdInFolder()
    {
        Samples.WriteManifests(_cli);
        _cli.Write("manifests/widget.yaml", "apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: g}\n");

        var run = await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest"));

        Assert.Contains("example.org/v1 Gadget (as gadgets)", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Octopus", run.Err, StringComparison.Ordinal);
        Assert.Contains("example.org/gadgets/default/g.json", string.Join('\n', CliHarness.ReadTarGz(CliHarness.SinglePayload(_cli.PathOf("dest"))).Select(e => e.Name)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_SkipsDestination_WhenItIsInsideTheFolder()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("manifests", "backups");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "first");

        var run = await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "second");

        Assert.Contains("Packed 8 objects", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_Fails_WhenFolderHasNoObjects()
    {
        _cli.Write("empty/readme.md", "nothing here");

        var run = await _cli.RunAsync("pack", _cli.PathOf("empty"), "--dest", _cli.PathOf("dest"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no Kubernetes objects", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_PutsNamespacedObjectsWithoutNamespace_IntoGivenNamespace()
    {
        _cli.Write("m/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
        var dest = _cli.PathOf("dest");

        await _cli.RunOkAsync("pack", _cli.PathOf("m"), "--dest", dest, "--namespace", "team-b", "--component", "config");

        var entry = CliHarness.ReadTarGz(CliHarness.SinglePayload(dest)).Skip(1).Single();
        Assert.Equal("config/core/configmaps/team-b/a.json", entry.Name);
    }
}
