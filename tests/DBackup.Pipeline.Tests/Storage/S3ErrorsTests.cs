using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using DBackup.Pipeline.Storage;

namespace DBackup.Pipeline.Tests.Storage;

public sealed class S3ErrorsTests
{
    private const string Secret = "canary-secret-51ab";

    private static readonly S3DestinationOptions Options = new()
    {
        Bucket = "backups",
        Prefix = "team",
        Endpoint = "http://store:9000",
        AccessKey = "AK",
        SecretKey = Secret,
    };

    [Theory]
    [InlineData("NoSuchBucket", HttpStatusCode.NotFound, "S3 bucket 'backups' does not exist")]
    [InlineData("AccessDenied", HttpStatusCode.Forbidden, "Access denied to s3://backups/team at http://store:9000")]
    [InlineData("InvalidAccessKeyId", HttpStatusCode.Forbidden, "the access key id is not known")]
    [InlineData("SignatureDoesNotMatch", HttpStatusCode.Forbidden, "the secret key does not match")]
    [InlineData("PermanentRedirect", HttpStatusCode.MovedPermanently, "is in another region")]
    [InlineData("SlowDown", HttpStatusCode.ServiceUnavailable, "S3 request to list objects failed for s3://backups/team")]
    public void Map_NamesTheProblem_WhenStoreAnswersWithError(string code, HttpStatusCode status, string expected)
    {
        var error = new AmazonS3Exception("store says no", ErrorType.Sender, code, "req-1", status);

        var mapped = S3Errors.Map(error, "list objects", Options);

        Assert.Contains(expected, mapped.Message, StringComparison.Ordinal);
        Assert.Same(error, mapped.InnerException);
    }

    [Fact]
    public void Map_RemovesSecret_WhenStoreEchoesIt()
    {
        var error = new AmazonS3Exception($"bad request for {Secret}", ErrorType.Sender, "Weird", "req-1", HttpStatusCode.BadRequest);

        var mapped = S3Errors.Map(error, "upload 'p/a'", Options);

        Assert.DoesNotContain(Secret, mapped.Message, StringComparison.Ordinal);
        Assert.Contains("***", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_SaysUnreachable_WhenConnectionFails()
    {
        var error = new AmazonServiceException("request failed", new HttpRequestException("Connection refused (store:9000)"));

        var mapped = S3Errors.Map(error, "list objects", Options);

        Assert.StartsWith("Cannot reach the S3 endpoint for s3://backups/team at http://store:9000: Connection refused", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShouldMap_IsFalse_WhenExceptionIsNotFromStore()
    {
        Assert.False(S3Errors.ShouldMap(new InvalidOperationException("writer broke")));
        Assert.False(S3Errors.ShouldMap(new OperationCanceledException()));
        Assert.True(S3Errors.ShouldMap(new AmazonS3Exception("x")));
    }
}
