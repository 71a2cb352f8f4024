namespace DBackup.Pipeline;

/// <summary>
/// A backup that cannot be trusted: malformed, tampered, truncated, hostile, or not decryptable
/// with the keys given. The message is one clear sentence fit for a user and never contains key material.
/// </summary>
public class InvalidBackupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidBackupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public InvalidBackupException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidBackupException()
    {
    }
}
