namespace DBackup.Pipeline.Storage;

/// <summary>
/// A destination could not be used: bucket missing, access denied, endpoint unreachable, disk error.
/// The message is one clear sentence naming the location and never contains credentials.
/// </summary>
public sealed class BackupStorageException : IOException
{
    /// <summary>Creates the exception.</summary>
    public BackupStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public BackupStorageException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackupStorageException()
    {
    }
}
