using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DBackup.Operator.Kubernetes;
using k8s;
using k8s.Exceptions;

namespace DBackup.Operator.Tests.Kubernetes;

/// <summary>Our kubeconfig reader must mean exactly what the client library's own loader means, file by file.</summary>
public sealed class KubeconfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dbackup-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Token_OverHttps_WithCaData_NamespaceAndTheCurrentOfSeveralContexts()
    {
        var ca = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(SelfSigned().ExportCertificatePem()));
        var path = Write("config", $$"""
            apiVersion: v1
            kind: Config
            current-context: prod
            preferences: {}
            clusters:
            - name: dev
              cluster: {server: "http://127.0.0.1:1"}
            - name: prod
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: {{ca}}
                tls-server-name: api.prod.internal
            contexts:
            - name: dev
              context: {cluster: dev, user: dev}
            - name: prod
              context: {cluster: prod, user: admin, namespace: shop}
            users:
            - name: dev
              user: {token: dev-token}
            - name: admin
              user: {token: prod-token-123}
            """);

        var ours = KubeconfigFile.Load(path);

        AssertSame(KubernetesClientConfiguration.BuildConfigFromConfigFile(path), ours);
        Assert.Equal("prod-token-123", ours.AccessToken);
        Assert.Equal("shop", ours.Namespace);
        Assert.Single(ours.SslCaCerts!);
    }

    [Fact]
    public void ClientCertificateFiles_AreRelativeToTheKubeconfigsFolder_AndInsecureSkipIsRead()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "pki"));
        File.WriteAllText(Path.Combine(_dir, "pki", "client.crt"), "not read until a connection is made");
        var path = Write("nested-config", """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - name: k
              cluster: {server: "https://k.example:6443", insecure-skip-tls-verify: true}
            contexts:
            - name: c
              context: {cluster: k, user: u}
            users:
            - name: u
              user: {client-certificate: pki/client.crt, client-key: pki/client.key, username: ann, password: pw}
            """);

        var ours = KubeconfigFile.Load(path);

        AssertSame(KubernetesClientConfiguration.BuildConfigFromConfigFile(path), ours);
        Assert.True(ours.SkipTlsVerify);
        Assert.Equal(Path.Combine(_dir, "pki", "client.crt"), ours.ClientCertificateFilePath);
    }

    [Fact]
    public void ExecPlugin_RunsAsTheLibraryRunsIt()
    {
        var plugin = Write("credential.sh", """
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s-exec"}}' "$TOKEN_PREFIX"
            """);
        var path = Write("exec-config", $$"""
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - name: k
              cluster: {server: "http://127.0.0.1:1"}
            contexts:
            - name: c
              context: {cluster: k, user: u}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: sh
                  args: ["{{plugin}}"]
                  env: [{name: TOKEN_PREFIX, value: from}]
                  interactiveMode: Never
            """);

        var ours = KubeconfigFile.Load(path);

        AssertSame(KubernetesClientConfiguration.BuildConfigFromConfigFile(path), ours);
        Assert.NotNull(ours.TokenProvider);
    }

    [Fact]
    public void Default_IsTheOneKubeconfigVariableFile_ElseTheHomeFile()
    {
        var named = Write("named", Minimal("http://127.0.0.1:7001"));
        var home = Write("home", Minimal("http://127.0.0.1:7002"));

        Assert.Equal("http://127.0.0.1:7001", KubeconfigFile.LoadDefault($"\"{named}\"", home).Host);
        Assert.Equal("http://127.0.0.1:7002", KubeconfigFile.LoadDefault(null, home).Host);
        Assert.Equal("http://127.0.0.1:7002", KubeconfigFile.LoadDefault(string.Empty, home).Host);
    }

    private static string Minimal(string server) => $$"""
        apiVersion: v1
        kind: Config
        current-context: c
        clusters:
        - name: k
          cluster:
            server: "{{server}}"
        contexts:
        - name: c
          context: {cluster: k, user: u}
        users:
        - name: u
          user: {token: t}
        """;

    [Theory]
    [InlineData("clusters: [unclosed")]
    [InlineData("current-context: nowhere\ncontexts: []\n")]
    public void Broken_IsAKubeConfigException(string text)
    {
        var path = Write("broken", text);

        Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(path));
        Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(Path.Combine(_dir, "missing")));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertSame(KubernetesClientConfiguration library, KubernetesClientConfiguration ours)
    {
        Assert.Equal(library.Host, ours.Host);
        Assert.Equal(library.CurrentContext, ours.CurrentContext);
        Assert.Equal(library.Namespace, ours.Namespace);
        Assert.Equal(library.SkipTlsVerify, ours.SkipTlsVerify);
        Assert.Equal(library.TlsServerName, ours.TlsServerName);
        Assert.Equal(library.AccessToken, ours.AccessToken);
        Assert.Equal(library.Username, ours.Username);
        Assert.Equal(library.Password, ours.Password);
        Assert.Equal(library.ClientCertificateData, ours.ClientCertificateData);
        Assert.Equal(library.ClientCertificateKeyData, ours.ClientCertificateKeyData);
        Assert.Equal(library.ClientCertificateFilePath, ours.ClientCertificateFilePath);
        Assert.Equal(library.ClientKeyFilePath, ours.ClientKeyFilePath);
        Assert.Equal(library.SslCaCerts?.Select(c => c.Thumbprint), ours.SslCaCerts?.Select(c => c.Thumbprint));
        Assert.Equal(library.TokenProvider is null, ours.TokenProvider is null);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest("CN=kubeconfig-test-ca", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
