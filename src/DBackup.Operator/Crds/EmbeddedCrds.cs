using k8s;
using k8s.Models;

namespace DBackup.Operator.Crds;

/// <summary>The dbackup.io CRDs that travel inside the assembly (embedded from config/crd), and installing them.</summary>
internal static class EmbeddedCrds
{
    /// <summary>Creates every CRD embedded in the assembly and waits until each is established.</summary>
    public static async Task<IReadOnlyList<string>> InstallAsync(IKubernetes client, CancellationToken ct)
    {
        var names = new List<string>();
        var assembly = typeof(EmbeddedCrds).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("crds/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            await using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await reader.ReadToEndAsync(ct).ConfigureAwait(false));
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: ct).ConfigureAwait(false);
            await WaitEstablishedAsync(client, crd.Metadata.Name, ct).ConfigureAwait(false);
            names.Add(crd.Spec.Names.Plural);
        }

        return names;
    }

    private static async Task WaitEstablishedAsync(IKubernetes client, string name, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: ct).ConfigureAwait(false);
            if (crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
            {
                return;
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        throw new TimeoutException($"CRD {name} was not established within 5 s");
    }
}
