using DBackup.Operator.Manifests;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Tests.Cli;

public sealed class KeygenCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Keygen_WritesPrivateKeyFile_AndPrintsProfileWithoutKey()
    {
        var path = _cli.PathOf("backup.key");

        var run = await _cli.RunOkAsync("keygen", "--out", path, "--namespace", "team-a", "--name", "prod-key");

        var key = EncryptionKey.Parse(File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, CliHarness.ModeOf(path));
        var secretText = File.ReadAllText(path).Split('\n').Single(l => l.StartsWith("dbackup-key-v1:", StringComparison.Ordinal));
        Assert.DoesNotContain(secretText, run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secretText, run.Err, StringComparison.Ordinal);
        Assert.Contains(key.KeyId, run.Out, StringComparison.Ordinal);
        Assert.Contains($"kubectl create secret generic prod-key --namespace team-a --from-file=key={path}", run.Out, StringComparison.Ordinal);
        Assert.Contains("recovery kit", run.Out, StringComparison.Ordinal);

        // Stdout is a YAML stream whose only document is the EncryptionProfileRef: safe to pipe into kubectl apply.
        var doc = Assert.Single(ManifestLoader.LoadText("stdout.yaml", run.Out)).Object;
        Assert.Equal("dbackup.io/v1alpha1", (string?)doc["apiVersion"]);
        Assert.Equal("EncryptionProfileRef", (string?)doc["kind"]);
        Assert.Equal("team-a", (string?)doc["metadata"]!["namespace"]);
        Assert.Equal("prod-key", (string?)doc["spec"]!["secretRef"]!["name"]);
        Assert.Equal("key", (string?)doc["spec"]!["secretRef"]!["key"]);
    }

    [Fact]
    public async Task Keygen_RefusesToOverwrite_WhenFileExistsWithoutForce()
    {
        var path = _cli.PathOf("backup.key");
        await _cli.RunOkAsync("keygen", "--out", path);
        var before = File.ReadAllText(path);

        var run = await _cli.RunAsync("keygen", "--out", path);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("dbackup: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("already exists", run.Err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Fact]
    public async Task Keygen_ReplacesKey_WhenForced()
    {
        var path = _cli.PathOf("backup.key");
        await _cli.RunOkAsync("keygen", "--out", path);
        var before = EncryptionKey.Parse(File.ReadAllText(path));

        await _cli.RunOkAsync("keygen", "--out", path, "--force");

        Assert.NotEqual(before.KeyId, EncryptionKey.Parse(File.ReadAllText(path)).KeyId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, CliHarness.ModeOf(path));
        Assert.Single(Directory.GetFiles(_cli.Root));
    }

    [Fact]
    public async Task Keygen_PrintsSecretWithKey_OnlyWhenAsked()
    {
        var path = _cli.PathOf("backup.key");

        var run = await _cli.RunOkAsync("keygen", "--out", path, "--print-secret");

        var docs = ManifestLoader.LoadText("stdout.yaml", run.Out);
        var secret = Assert.Single(docs, d => (string?)d.Object["kind"] == "Secret").Object;
        Assert.Equal(EncryptionKey.Parse(File.ReadAllText(path)), EncryptionKey.Parse((string)secret["stringData"]!["key"]!));
        Assert.Contains("warning", run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--name", "Bad_Name")]
    [InlineData("--namespace", "UPPER")]
    public async Task Keygen_ReturnsUsageError_WhenNamesAreInvalid(string option, string value)
    {
        var run = await _cli.RunAsync("keygen", "--out", _cli.PathOf("k"), option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.False(File.Exists(_cli.PathOf("k")));
    }

    [Fact]
    public async Task Keygen_ReturnsUsageError_WhenOutIsMissing()
    {
        var run = await _cli.RunAsync("keygen");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("dbackup: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("--out", run.Err, StringComparison.Ordinal);
    }
}
