using DBackup.Operator.Cli;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Tests.Demo;

/// <summary>The README's main job: the demo tells its whole story and leaves a backup that verifies.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dbackup-demo-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Demo_BacksUpVerifiesAndRestores_WithExit()
    {
        var folder = Path.Combine(_root, "demo");
        var (code, stdout, stderr) = await RunAsync("demo", "--exit", "--dir", folder);

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("8. Restored", stdout, StringComparison.Ordinal);
        Assert.Contains(" 0 failed", stdout, StringComparison.Ordinal);
        Assert.Contains("labelled dbackup.io/exclude=true", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-demo-password", stdout, StringComparison.Ordinal);

        var payload = Directory.GetFiles(Path.Combine(folder, "backups"), "*.tar.gz.enc", SearchOption.AllDirectories).Single();
        var keys = new KeyRing(EncryptionKey.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "backup.key"))));
        var verification = await BackupReader.FromFile(payload, keys).VerifyAsync(CancellationToken.None);
        Assert.Equal(5, verification.Objects);
        var stored = await File.ReadAllBytesAsync(payload);
        Assert.True(stored.AsSpan().IndexOf("s3cr3t-demo-password"u8) < 0, "a Secret value appears unencrypted in the backup file");
    }

    [Fact]
    public async Task Demo_RefusesFolderItDidNotMake()
    {
        var folder = Path.Combine(_root, "precious");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "keep me");

        var (code, _, stderr) = await RunAsync("demo", "--exit", "--dir", folder);

        Assert.Equal(2, code);
        Assert.Contains("not made by the demo", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "notes.txt")));
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await DBackupCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
