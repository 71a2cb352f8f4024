namespace DBackup.Pipeline;

/// <summary>
/// A backup that cannot be trusted: malformed, tampered, truncated, hostile, or not decryptable
/// with the keys given. The message is one clear sentence fit for a user and never contains key material; it is
/// kept on one line even when it quotes hostile input (a parser's message may echo JSON with line breaks).
/// </summary>
public class InvalidBackupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidBackupException(string message)
        : base(OneLine(message))
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public InvalidBackupException(string message, Exception inner)
        : base(OneLine(message), inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvalidBackupException()
    {
    }

    private static string OneLine(string? message) => message?.ReplaceLineEndings(" ") ?? string.Empty;
}
