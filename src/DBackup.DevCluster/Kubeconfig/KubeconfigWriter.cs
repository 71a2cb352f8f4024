namespace DBackup.DevCluster.Kubeconfig;

/// <summary>Writes a kubeconfig for kubectl and KubernetesClient: cluster "devcluster", a token user, context "devcluster".</summary>
internal static class KubeconfigWriter
{
    public static string Render(Uri server) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: devcluster
          cluster:
            server: {server.GetLeftPart(UriPartial.Authority)}
        users:
        - name: devcluster
          user:
            token: devcluster-token
        contexts:
        - name: devcluster
          context:
            cluster: devcluster
            user: devcluster
            namespace: default
        current-context: devcluster
        preferences: {"{}"}

        """;

    public static void Write(string path, Uri server)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, Render(server));
    }
}
