using DBackup.Operator.Entities;
using k8s.Models;

namespace DBackup.Operator.Tests.Support;

/// <summary>Builders for test objects (Serilog's Some.* style): valid by default, override what a test is about.</summary>
internal static class Some
{
    private static int _counter;

    /// <summary>A unique lowercase name.</summary>
    public static string Name(string prefix = "obj") => $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..4]}";

    public static EncryptionProfileRef Profile(string? name = null, string? @namespace = null, string secret = "backup-key", IDictionary<string, string>? annotations = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name ?? Name("epr"), NamespaceProperty = @namespace, Annotations = annotations },
        Spec = new EncryptionProfileRefSpec { SecretRef = new SecretKeyReference { Name = secret, Key = "key" } },
    };

    public static MetaBackupPolicy Policy(string? name = null, string? @namespace = null, string schedule = "0 3 * * *") => new()
    {
        Metadata = new V1ObjectMeta { Name = name ?? Name("mbp"), NamespaceProperty = @namespace },
        Spec = new MetaBackupPolicySpec
        {
            Schedule = schedule,
            Sources = [new BackupSource { Name = "config", Kubernetes = new KubernetesSource { Resources = ["configmaps"] } }],
            Destination = new DestinationSpec { Filesystem = new FilesystemDestinationSpec { Path = "/backups" } },
        },
    };
}
