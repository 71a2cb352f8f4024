using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DBackup.DevCluster.Controllers;

/// <summary>A throwaway self-signed CA, published as kube-root-ca.crt like a real cluster's root CA.</summary>
internal static class DevClusterCa
{
    private static readonly Lazy<string> Lazy = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubernetes", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        return cert.ExportCertificatePem() + "\n";
    });

    public static string Pem => Lazy.Value;
}
