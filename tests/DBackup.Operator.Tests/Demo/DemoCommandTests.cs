using System.Text;
using System.Text.RegularExpressions;
using DBackup.Operator.Cli;
using DBackup.Pipeline;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Tests.Demo;

/// <summary>The README's main job, end to end: <c>dbackup demo --exit</c> tells its whole story and leaves a backup that verifies.</summary>
[Collection(DemoCollection.Name)]
public sealed partial class DemoCommandTests : IDisposable
{
    private static readonly string[] SecretValues = ["s3cr3t-demo-password", "demo-payment-token-42"];

    private readonly string _root = Directory.CreateTempSubdirectory("dbackup-demo-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Demo_BacksUpAndRestoresThroughTheOperator_WithExit()
    {
        var folder = Path.Combine(_root, "demo");
        var (code, stdout, stderr) = await RunAsync("demo", "--exit", "--dir", folder);

        Assert.True(code == 0, stderr + stdout);
        var keyText = await File.ReadAllTextAsync(Path.Combine(folder, "backup.key"));
        var keyId = EncryptionKey.Parse(keyText).KeyId;
        Assert.Matches($@"3\. Samples +{PolicySamples()} MetaBackupPolicies .*installed suspended and without restore drills", stdout);
        Assert.Matches($@"6\. Backup key .*EncryptionProfileRef 'demo-key' is Ready with keyId {keyId}", stdout);
        Assert.Matches($@"8\. Backup +dbackup\.io/run-now=demo made the operator write shop-backup-\d{{8}}T\d{{6}}Z: 5 objects, .* keyId {keyId} \(from its meta\.json\)", stdout);
        Assert.Matches(@"9\. Restore +MetaBackupRestore dbackup-system/shop-clone \(namespaceMapping shop -> shop-restored, Merge\): Succeeded", stdout);
        Assert.Contains("5 created, 0 updated, 0 unchanged, 0 skipped, 0 failed", stdout, StringComparison.Ordinal);
        Assert.Contains($"kubectl --kubeconfig {Path.Combine(folder, "kubeconfig")} get dbackup -A", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(" INF ", stdout, StringComparison.Ordinal); // the operator's log goes to its file
        Assert.Contains("Backup run started", await File.ReadAllTextAsync(Path.Combine(folder, "operator.log")), StringComparison.Ordinal);
        Assert.All(SecretValues.Append(keyText.Trim()), v => Assert.DoesNotContain(v, stdout + stderr, StringComparison.Ordinal));
        Assert.All(SecretValues, v => Assert.DoesNotContain(v, File.ReadAllText(Path.Combine(folder, "operator.log")), StringComparison.Ordinal));

        var file = FileLine().Match(stdout).Groups[1].Value.Trim();
        Assert.True(File.Exists(file), $"the story names {file}, which does not exist");
        var verification = await BackupReader.FromFile(file, new KeyRing(EncryptionKey.Parse(keyText))).VerifyAsync(CancellationToken.None);
        Assert.Equal(5, verification.Objects);
        var stored = await File.ReadAllBytesAsync(file);
        Assert.All(SecretValues, v => Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(v)) < 0, "a Secret value appears unencrypted in the backup file"));
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

    /// <summary>How many MetaBackupPolicy samples config/samples holds (the demo installs each of them).</summary>
    internal static int PolicySamples() =>
        Directory.GetFiles(Support.RepoPaths.Of("config", "samples"), "*.yaml").Count(f => File.ReadAllText(f).Contains("\nkind: MetaBackupPolicy\n", StringComparison.Ordinal));

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await DBackupCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [GeneratedRegex(@"^\s+file +(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex FileLine();
}
