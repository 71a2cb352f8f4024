using System.Text;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Tests.Cli;

/// <summary>
/// Planted backups that break the format are refused by verify, inspect, export and decrypt alike: exit 1, one
/// line on stderr in the corruption errors' style, nothing on stdout, no file written.
/// </summary>
public sealed class HostileBackupCommandTests : IDisposable
{
    private const string Rbac = "rbac.authorization.k8s.io";
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static byte[] ConfigMap(string data) =>
        Encoding.UTF8.GetBytes($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"shop"},"data":{{data}}}""");

    // name -> (entries, expected message part, visible to inspect: in the manifest rather than in an entry's body)
    private static (List<(string, byte[])> Files, string Expected, bool InManifest) Case(string name) => name switch
    {
        "crb-under-namespace" => ([($"main/{Rbac}/clusterrolebindings/shop/pwn-admin.json", HostileBackups.PwnAdmin("shop"))],
            $"manifest.json lists 'main/{Rbac}/clusterrolebindings/shop/pwn-admin.json' under a namespace folder, but clusterrolebindings.{Rbac} is cluster-scoped", true),
        "crb-as-rolebinding" => ([($"main/{Rbac}/rolebindings/shop/pwn-admin.json", HostileBackups.PwnAdmin("shop"))],
            "rolebindings.rbac.authorization.k8s.io holds RoleBinding objects, not ClusterRoleBinding", true),
        "configmap-cluster-scoped" => ([("main/core/configmaps/_cluster/a.json", HostileBackups.Object("v1", "ConfigMap", "a", null))], "configmaps is namespaced", true),
        "duplicate-key" => ([("main/core/configmaps/shop/a.json", ConfigMap("""{"k":"1","k":"2"}"""))], "has the property 'k' twice in one object", false),
        "too-deep" => ([("main/core/configmaps/shop/a.json", ConfigMap(string.Concat(Enumerable.Repeat("{\"x\":", 100)) + "1" + new string('}', 100)))],
            "maximum configured depth of 64", false),
        "invalid-utf8" => ([("main/core/configmaps/shop/a.json", [.. ConfigMap("""{"k":"x""")[..^1], 0xC3, 0x28, .. "\"}}"u8])], "is not valid UTF-8", false),
        "lone-surrogate" => ([("main/core/configmaps/shop/a.json", ConfigMap("""{"k":"\ud800"}"""))], "not valid Unicode", false),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static TheoryData<string, string> CommandsAndCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in new[] { "verify", "inspect", "export", "decrypt" })
        {
            foreach (var name in new[] { "crb-under-namespace", "crb-as-rolebinding", "configmap-cluster-scoped", "duplicate-key", "too-deep", "invalid-utf8", "lone-surrogate" })
            {
                data.Add(command, name);
            }
        }

        return data;
    }

    private async Task<CliRun> RunAsync(string command, string payload, params string[] extra)
    {
        string[] args = command switch
        {
            "export" => ["export", payload, "--out", _cli.PathOf("out")],
            "decrypt" => ["decrypt", payload, "--out", _cli.PathOf("out", "plain.tar.gz")],
            _ => [command, payload],
        };
        return await _cli.RunAsync([.. args, .. extra]);
    }

    private void AssertRefused(CliRun run, string payload, string expected)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(string.Empty, run.Out);
        var line = Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"dbackup: {payload}: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", line, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(_cli.PathOf("out")) || Directory.GetFileSystemEntries(_cli.PathOf("out"), "*", SearchOption.AllDirectories).Length == 0,
            "the command left output behind");
    }

    [Theory]
    [MemberData(nameof(CommandsAndCases))]
    public async Task Command_RefusesBeforeAnyOutput_WhenPlantedBackupBreaksTheFormat(string command, string name)
    {
        var (files, expected, inManifest) = Case(name);
        var payload = await HostileBackups.WriteAsync(_cli.PathOf("dest"), files);

        var run = await RunAsync(command, payload);

        if (command == "inspect" && !inManifest)
        {
            // inspect reads the header and the manifest, never an entry's body (documented); verify does.
            Assert.True(run.ExitCode == 0, run.ToString());
            return;
        }

        AssertRefused(run, payload, expected);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("inspect")]
    [InlineData("export")]
    [InlineData("decrypt")]
    public async Task Command_RefusesPlantedClusterRoleBinding_WhenAttackerHasTheKey(string command)
    {
        var (keyFile, _) = await _cli.KeygenAsync("k.key");
        var key = EncryptionKey.Parse(await File.ReadAllTextAsync(keyFile));
        var payload = await HostileBackups.WriteAsync(_cli.PathOf("dest"), [($"main/{Rbac}/clusterrolebindings/shop/pwn-admin.json", HostileBackups.PwnAdmin("shop"))], key);

        var run = await RunAsync(command, payload, "--key-file", keyFile);

        AssertRefused(run, payload, "is cluster-scoped");
    }

    [Fact]
    public async Task Inspect_Fails_WhenMetaKeyIdContradictsThePayloadHeader_WithoutAKey()
    {
        var key = EncryptionKey.Generate();
        var payload = await HostileBackups.WriteAsync(_cli.PathOf("dest"), [("main/core/configmaps/shop/a.json", ConfigMap("{}"))], key);
        var metaPath = payload + ".meta.json";
        var other = EncryptionKey.Generate().KeyId;
        await File.WriteAllTextAsync(metaPath, (await File.ReadAllTextAsync(metaPath)).Replace(key.KeyId, other, StringComparison.Ordinal));

        var run = await _cli.RunAsync("inspect", payload);

        AssertRefused(run, payload, "meta.json encryption.keyId does not match the payload header");
        Assert.DoesNotContain(other, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WritesTheClusterRoleBindingUnderCluster_WhenStoredAsCusterScoped()
    {
        // The same object, filed correctly, exports to _cluster/ where nobody mistakes it for a namespace's file.
        var payload = await HostileBackups.WriteAsync(_cli.PathOf("dest"), [($"main/{Rbac}/clusterrolebindings/_cluster/pwn-admin.json", HostileBackups.PwnAdmin(null))]);

        await _cli.RunOkAsync("export", payload, "--out", _cli.PathOf("out"));

        Assert.True(File.Exists(_cli.PathOf("out", "_cluster", "clusterrolebinding", "pwn-admin.yaml")));
        Assert.False(Directory.Exists(_cli.PathOf("out", "shop")));
    }
}
