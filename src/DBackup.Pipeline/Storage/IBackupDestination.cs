namespace DBackup.Pipeline.Storage;

/// <summary>
/// Where backups live: a folder or an S3 bucket/prefix. Keys are relative, '/'-separated paths
/// such as <c>nightly/nightly-20260101T030000Z.tar.gz.enc</c>.
/// </summary>
/// <remarks>
/// <see cref="PutAsync"/> is all-or-nothing: the object appears under its key only after the writer
/// returned successfully and the data is durable; on any failure or cancellation nothing is left
/// behind (temp file removed, multipart upload aborted). Implementations are safe for concurrent use
/// with distinct keys.
/// </remarks>
public interface IBackupDestination
{
    /// <summary>Human-readable location for messages, e.g. <c>s3://bucket/prefix</c> or a folder path. Never contains credentials.</summary>
    string Location { get; }

    /// <summary>
    /// Streams a new object: <paramref name="write"/> writes the content into the stream it is given.
    /// Returns the number of bytes stored.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not a safe relative path.</exception>
    Task<long> PutAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading.</summary>
    /// <exception cref="BackupNotFoundException">No object has that key.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lists objects whose key starts with <paramref name="prefix"/> (empty for all).</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>An object in a destination.</summary>
/// <param name="Key">Relative key.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="LastModified">Last modification time (UTC).</param>
public sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified);

/// <summary>The requested key does not exist in the destination.</summary>
public sealed class BackupNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackupNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackupNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackupNotFoundException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
