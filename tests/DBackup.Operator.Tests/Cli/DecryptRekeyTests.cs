using DBackup.Pipeline;

namespace DBackup.Operator.Tests.Cli;

public sealed class DecryptRekeyTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Decrypt_WritesPlainTarGzWithManifestFirst_Mode0600()
    {
        Samples.WriteManifests(_cli);
        var (key, _) = await _cli.KeygenAsync("k.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", key, "--include-secrets");
        var output = _cli.PathOf("out", "plain.tar.gz");

        await _cli.RunOkAsync("decrypt", CliHarness.SinglePayload(dest), "--key-file", key, "--out", output);

        var entries = CliHarness.ReadTarGz(output);
        Assert.Equal("manifest.json", entries[0].Name);
        Assert.Equal(9, entries.Count);
        Assert.Contains(entries, e => System.Text.Encoding.UTF8.GetString(e.Data).Contains(Samples.Canary, StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, CliHarness.ModeOf(output));
        Assert.Single(Directory.GetFiles(_cli.PathOf("out")));
    }

    [Fact]
    public async Task Decrypt_LeavesNoFile_WhenKeyIsWrong()
    {
        Samples.WriteManifests(_cli);
        var (key, _) = await _cli.KeygenAsync("k.key");
        var (other, _) = await _cli.KeygenAsync("other.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", key);
        Directory.CreateDirectory(_cli.PathOf("out"));

        var run = await _cli.RunAsync("decrypt", CliHarness.SinglePayload(dest), "--key-file", other, "--out", _cli.PathOf("out", "plain.tar.gz"));

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_cli.PathOf("out")));
    }

    [Fact]
    public async Task Decrypt_LeavesNoFile_WhenPayloadIsTruncated()
    {
        Samples.WriteManifests(_cli);
        var (key, _) = await _cli.KeygenAsync("k.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", key);
        var payload = CliHarness.SinglePayload(dest);
        var bytes = File.ReadAllBytes(payload);
        File.WriteAllBytes(payload, bytes[..(bytes.Length - 20)]);
        Directory.CreateDirectory(_cli.PathOf("out"));

        var run = await _cli.RunAsync("decrypt", payload, "--key-file", key, "--out", _cli.PathOf("out", "plain.tar.gz"));

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_cli.PathOf("out")));
    }

    [Fact]
    public async Task Decrypt_Refuses_WhenOutputExists()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest);
        var output = _cli.Write("plain.tar.gz", "keep me");

        var run = await _cli.RunAsync("decrypt", CliHarness.SinglePayload(dest), "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("keep me", File.ReadAllText(output));
    }

    [Fact]
    public async Task Rekey_MakesNewKeyVerify_AndOldKeyFail()
    {
        Samples.WriteManifests(_cli);
        var (oldKey, oldId) = await _cli.KeygenAsync("old.key");
        var (newKey, newId) = await _cli.KeygenAsync("new.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", oldKey, "--name", "one");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--name", "two");

        var run = await _cli.RunOkAsync("rekey", dest, "--key-file", oldKey, "--new-key-file", newKey);

        Assert.Contains($"key {oldId} -> key {newId}", run.Out, StringComparison.Ordinal);
        Assert.Contains("2 re-encrypted", run.Out, StringComparison.Ordinal);
        foreach (var policy in new[] { "one", "two" })
        {
            var payload = CliHarness.SinglePayload(dest, policy);
            Assert.Equal(newId, BackupMeta.Parse(File.ReadAllBytes(payload + ".meta.json")).Encryption.KeyId);
            await _cli.RunOkAsync("verify", payload, "--key-file", newKey);
            var old = await _cli.RunAsync("verify", payload, "--key-file", oldKey);
            Assert.Equal(1, old.ExitCode);
        }
    }

    [Fact]
    public async Task Rekey_ContinuesPastFailure_AndExitsOne()
    {
        Samples.WriteManifests(_cli);
        var (oldKey, _) = await _cli.KeygenAsync("old.key");
        var (lostKey, _) = await _cli.KeygenAsync("lost.key");
        var (newKey, newId) = await _cli.KeygenAsync("new.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", lostKey, "--name", "lost");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", oldKey, "--name", "good");

        var run = await _cli.RunAsync("rekey", dest, "--key-file", oldKey, "--new-key-file", newKey);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED   lost-", run.Out, StringComparison.Ordinal);
        Assert.Contains("rekeyed  good-", run.Out, StringComparison.Ordinal);
        Assert.Equal(newId, BackupMeta.Parse(File.ReadAllBytes(CliHarness.SinglePayload(dest, "good") + ".meta.json")).Encryption.KeyId);
    }

    [Fact]
    public async Task Rekey_OnlyTouchesGivenPolicy()
    {
        Samples.WriteManifests(_cli);
        var (oldKey, oldId) = await _cli.KeygenAsync("old.key");
        var (newKey, _) = await _cli.KeygenAsync("new.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", oldKey, "--name", "one");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", oldKey, "--name", "two");

        await _cli.RunOkAsync("rekey", dest, "--key-file", oldKey, "--new-key-file", newKey, "--policy", "one");

        Assert.Equal(oldId, BackupMeta.Parse(File.ReadAllBytes(CliHarness.SinglePayload(dest, "two") + ".meta.json")).Encryption.KeyId);
    }
}
