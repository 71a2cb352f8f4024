using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace DBackup.Pipeline.Storage;

/// <summary>Turns SDK exceptions into one clear <see cref="BackupStorageException"/> sentence without credentials.</summary>
internal static class S3Errors
{
    /// <summary>True for a missing object (as opposed to a missing bucket).</summary>
    public static bool IsNoSuchKey(AmazonS3Exception ex) =>
        ex.ErrorCode == "NoSuchKey" || (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket");

    /// <summary>True for failures of the store or the network; anything else (e.g. a writer's own error) passes through.</summary>
    public static bool ShouldMap(Exception ex) =>
        ex is AmazonServiceException or AmazonClientException or HttpRequestException or SocketException or TimeoutException;

    /// <summary>Maps a failure of <paramref name="operation"/> on <paramref name="options"/> to a clear exception.</summary>
    public static BackupStorageException Map(Exception ex, string operation, S3DestinationOptions options)
    {
        var where = options.Location + (options.Endpoint is null ? string.Empty : $" at {options.Endpoint}");
        var message = ex switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } =>
                $"S3 bucket '{options.Bucket}' does not exist ({where}).",
            AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" } =>
                $"Access denied to {where} while trying to {operation}: the access key id is not known to the store.",
            AmazonS3Exception { ErrorCode: "SignatureDoesNotMatch" } =>
                $"Access denied to {where} while trying to {operation}: the secret key does not match the access key id.",
            AmazonS3Exception { ErrorCode: "AccessDenied" } or AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } =>
                $"Access denied to {where} while trying to {operation}: check the credentials and the bucket policy.",
            AmazonS3Exception { ErrorCode: "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" } =>
                $"S3 bucket '{options.Bucket}' is in another region than '{options.Region ?? "us-east-1"}' ({where}): set the region of the bucket.",
            AmazonS3Exception s3 =>
                $"S3 request to {operation} failed for {where}: {s3.ErrorCode ?? ((int)s3.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)} {s3.Message}",
            _ when IsUnreachable(ex) =>
                $"Cannot reach the S3 endpoint for {where}: {Innermost(ex).Message}",
            AmazonClientException client =>
                $"S3 client error while trying to {operation} on {where}: {client.Message}",
            _ => $"S3 error while trying to {operation} on {where}: {ex.Message}",
        };
        return new BackupStorageException(Scrub(message, options), ex);
    }

    private static bool IsUnreachable(Exception ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception ex)
    {
        var current = ex;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }

        return current;
    }

    // Store messages are not supposed to echo the secret, but one server bug must not leak it into a log.
    private static string Scrub(string message, S3DestinationOptions options) =>
        string.IsNullOrEmpty(options.SecretKey) ? message : message.Replace(options.SecretKey, "***", StringComparison.Ordinal);
}
