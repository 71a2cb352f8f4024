using System.Net;
using System.Text;
using DBackup.Operator.Entities;
using DBackup.Pipeline.Storage;
using k8s;
using k8s.Autorest;

namespace DBackup.Operator.Backups;

/// <summary>Builds the destination a policy's <c>spec.destination</c> names, with S3 credentials from a Secret of the policy's namespace.</summary>
public static class BackupDestinations
{
    /// <summary>Secret key holding the S3 access key id.</summary>
    public const string AccessKeyIdKey = "accessKeyId";

    /// <summary>Secret key holding the S3 secret access key.</summary>
    public const string SecretAccessKeyKey = "secretAccessKey";

    /// <summary>Where the spec points, for history rows and messages (no credentials).</summary>
    public static string Describe(DestinationSpec? spec) => spec switch
    {
        { S3: { } s3, Filesystem: null } => new S3DestinationOptions { Bucket = s3.Bucket, Prefix = s3.Prefix?.Trim('/') ?? string.Empty }.Location,
        { Filesystem: { } fs, S3: null } => fs.Path,
        _ => "(invalid destination)",
    };

    /// <summary>
    /// What is wrong with a destination spec before anything is contacted (none or both kinds, a relative
    /// folder), or null. The policy's Ready condition and every run use this one check.
    /// </summary>
    public static string? Problem(DestinationSpec? spec) => spec switch
    {
        null => "destination must set exactly one of s3 or filesystem",
        { S3: null, Filesystem: null } or { S3: not null, Filesystem: not null } => "destination must set exactly one of s3 or filesystem",
        { Filesystem: { } fs } when string.IsNullOrWhiteSpace(fs.Path) || !Path.IsPathRooted(fs.Path) =>
            $"destination.filesystem.path '{fs.Path}' must be an absolute path",
        _ => null,
    };

    /// <summary>
    /// Creates the destination. An S3 destination owns an SDK client: dispose it when it implements <see cref="IDisposable"/>.
    /// </summary>
    /// <exception cref="BackupRunException">The spec sets none or both kinds, a setting is invalid, or the credentials Secret or a key is missing.</exception>
    public static async Task<IBackupDestination> CreateAsync(IKubernetes client, string @namespace, DestinationSpec? spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (Problem(spec) is { } problem)
        {
            throw new BackupRunException(RunFailureReasons.InvalidDestination, problem);
        }

        if (spec!.Filesystem is { } fs)
        {
            return new FilesystemDestination(fs.Path);
        }

        var s3 = spec.S3!;
        string? accessKey = null, secretKey = null;
        if (s3.CredentialsSecretRef is { } secretRef)
        {
            (accessKey, secretKey) = await ReadCredentialsAsync(client, @namespace, secretRef.Name, cancellationToken).ConfigureAwait(false);
        }

        var endpoint = string.IsNullOrWhiteSpace(s3.Endpoint) ? null : s3.Endpoint.Trim();
        try
        {
            return new S3Destination(new S3DestinationOptions
            {
                Bucket = s3.Bucket,
                Prefix = s3.Prefix?.Trim('/') ?? string.Empty,
                Region = string.IsNullOrWhiteSpace(s3.Region) ? null : s3.Region.Trim(),
                Endpoint = endpoint,
                ForcePathStyle = s3.ForcePathStyle ?? endpoint is not null,
                AccessKey = accessKey,
                SecretKey = secretKey,
            });
        }
        catch (ArgumentException e)
        {
            // The options' messages name settings, never the secret key.
            throw new BackupRunException(RunFailureReasons.InvalidDestination, $"destination.s3: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static async Task<(string AccessKey, string SecretKey)> ReadCredentialsAsync(IKubernetes client, string ns, string name, CancellationToken ct)
    {
        k8s.Models.V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new BackupRunException(RunFailureReasons.CredentialsNotFound, $"S3 credentials Secret {ns}/{name} does not exist");
        }

        return (Value(secret, ns, name, AccessKeyIdKey), Value(secret, ns, name, SecretAccessKeyKey));
    }

    private static string Value(k8s.Models.V1Secret secret, string ns, string name, string key)
    {
        if (secret.Data?.TryGetValue(key, out var bytes) != true || bytes is null || Encoding.UTF8.GetString(bytes).Trim() is not { Length: > 0 } value)
        {
            throw new BackupRunException(RunFailureReasons.CredentialsNotFound,
                $"S3 credentials Secret {ns}/{name} has no '{key}' (it needs {AccessKeyIdKey} and {SecretAccessKeyKey})");
        }

        return value;
    }
}
