using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace DBackup.Pipeline.Storage;

/// <summary>Backups in an S3 bucket (AWS or any S3-compatible store) under an optional key prefix.</summary>
/// <remarks>
/// Uploads stream as multipart uploads holding one part (<see cref="S3DestinationOptions.PartSize"/>) in memory;
/// a failed or cancelled upload is aborted, so it never becomes a listed object. Stores that refuse the abort
/// (some emulators) keep the orphaned parts until a bucket lifecycle rule removes them; the object itself
/// still never appears.
/// </remarks>
public sealed class S3Destination : IBackupDestination, IDisposable
{
    private readonly IAmazonS3 client;
    private readonly bool ownsClient;
    private readonly string prefix;

    /// <summary>Creates a destination and its S3 client.</summary>
    /// <exception cref="ArgumentException">The options are incomplete or out of range.</exception>
    public S3Destination(S3DestinationOptions options)
        : this(options, CreateClient(Checked(options)), ownsClient: true)
    {
    }

    /// <summary>Creates a destination over a client built elsewhere (tests, shared clients).</summary>
    internal S3Destination(S3DestinationOptions options, IAmazonS3 client, bool ownsClient)
    {
        options.Validate();
        Options = options;
        this.client = client;
        this.ownsClient = ownsClient;
        prefix = StorageKey.NormalizePrefix(options.Prefix);
    }

    /// <summary>The settings in use.</summary>
    public S3DestinationOptions Options { get; }

    /// <inheritdoc />
    public string Location => Options.Location;

    /// <summary>Builds the SDK configuration for <paramref name="options"/> (no credentials in it).</summary>
    internal static AmazonS3Config CreateConfig(S3DestinationOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = options.EffectiveChecksumMode == S3ChecksumMode.WhenSupported
                ? RequestChecksumCalculation.WHEN_SUPPORTED
                : RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = options.EffectiveChecksumMode == S3ChecksumMode.WhenSupported
                ? ResponseChecksumValidation.WHEN_SUPPORTED
                : ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is not null)
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1");
        }

        return config;
    }

    /// <summary>Creates a client for <paramref name="options"/> over <paramref name="config"/>.</summary>
    internal static AmazonS3Client CreateClient(S3DestinationOptions options, AmazonS3Config config) =>
        options.AccessKey is null
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);

    /// <inheritdoc />
    public async Task<long> PutAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var fullKey = FullKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        var upload = new S3UploadStream(client, Options.Bucket, fullKey, Options.PartSize, Options.EffectiveUseChunkEncoding,
            Options.EffectiveChecksumMode == S3ChecksumMode.WhenSupported);
        await using (upload.ConfigureAwait(false))
        {
            try
            {
                await write(upload, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return await upload.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await upload.AbortAsync().ConfigureAwait(false);
                if (!S3Errors.ShouldMap(ex))
                {
                    throw;
                }

                throw S3Errors.Map(ex, $"upload '{key}'", Options);
            }
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var fullKey = FullKey(key);
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = Options.Bucket, Key = fullKey }, cancellationToken)
                .ConfigureAwait(false);
            return new ResponseOwningStream(response.ResponseStream, response);
        }
        catch (AmazonS3Exception ex) when (S3Errors.IsNoSuchKey(ex))
        {
            throw new BackupNotFoundException($"No backup object '{key}' in {Location}.", ex);
        }
        catch (Exception ex) when (S3Errors.ShouldMap(ex))
        {
            throw S3Errors.Map(ex, $"read '{key}'", Options);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var root = this.prefix.Length == 0 ? string.Empty : this.prefix + "/";
        var request = new ListObjectsV2Request { BucketName = Options.Bucket, Prefix = root + prefix, MaxKeys = Options.ListPageSize };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (S3Errors.ShouldMap(ex))
            {
                throw S3Errors.Map(ex, "list objects", Options);
            }

            foreach (var item in page.S3Objects ?? [])
            {
                var key = item.Key[root.Length..];
                if (StorageKey.IsValid(key))
                {
                    var modified = item.LastModified is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UnixEpoch;
                    yield return new StoredObject(key, item.Size ?? 0, modified);
                }
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var fullKey = FullKey(key);
        try
        {
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = fullKey }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (S3Errors.IsNoSuchKey(ex))
        {
            // Already gone: deleting is idempotent.
        }
        catch (Exception ex) when (S3Errors.ShouldMap(ex))
        {
            throw S3Errors.Map(ex, $"delete '{key}'", Options);
        }
    }

    /// <summary>Disposes the S3 client when this destination created it.</summary>
    public void Dispose()
    {
        if (ownsClient)
        {
            client.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Location;

    private static S3DestinationOptions Checked(S3DestinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static AmazonS3Client CreateClient(S3DestinationOptions options) => CreateClient(options, CreateConfig(options));

    private string FullKey(string key)
    {
        StorageKey.Validate(key);
        return StorageKey.Join(prefix, key);
    }
}
