namespace DBackup.Operator.Backups;

/// <summary>A policy run cannot go ahead; <see cref="Reason"/> is a CamelCase condition reason, the message one clear sentence.</summary>
/// <param name="reason">Condition reason, one of <see cref="RunFailureReasons"/>.</param>
/// <param name="message">What is wrong, without secret values.</param>
public sealed class BackupRunException(string reason, string message) : Exception(message)
{
    /// <summary>CamelCase condition reason.</summary>
    public string Reason { get; } = reason;
}

/// <summary>Reasons of failed runs (the <c>BackupSucceeded</c> condition and the <c>BackupFailed</c> event).</summary>
public static class RunFailureReasons
{
    /// <summary>The spec is invalid (schedule, sources, retention ...).</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary><c>includeSecrets</c> without <c>encryptionProfileRef</c>: Secret values would be written unencrypted.</summary>
    public const string SecretsRequireEncryption = "SecretsRequireEncryption";

    /// <summary>The destination is not exactly one of s3 or filesystem, or its settings are invalid.</summary>
    public const string InvalidDestination = "InvalidDestination";

    /// <summary>The S3 credentials Secret or one of its keys is missing.</summary>
    public const string CredentialsNotFound = "CredentialsNotFound";

    /// <summary>A source reads beyond what the policy's namespace may read.</summary>
    public const string TenancyViolation = "TenancyViolation";

    /// <summary>Reading objects from the API server failed.</summary>
    public const string CollectionFailed = "CollectionFailed";

    /// <summary>Writing to the destination failed.</summary>
    public const string StorageFailed = "StorageFailed";

    /// <summary>Any other failure.</summary>
    public const string BackupFailed = "BackupFailed";
}
