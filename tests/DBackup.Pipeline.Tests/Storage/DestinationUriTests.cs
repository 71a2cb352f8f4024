using DBackup.Pipeline.Storage;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Storage;

public sealed class DestinationUriTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Parse_ReturnsFilesystemDestination_WhenGivenFolderPath()
    {
        using var temp = new TempDirectory();

        var destination = DestinationUri.Parse(temp.Combine("backups"), environment: NoEnvironment);

        Assert.Equal(temp.Combine("backups"), Assert.IsType<FilesystemDestination>(destination).Root);
    }

    [Fact]
    public void Parse_TakesS3SettingsFromEnvironment_WhenNotGivenExplicitly()
    {
        var env = new Dictionary<string, string>
        {
            ["DBACKUP_S3_ENDPOINT"] = "http://minio:9000",
            ["DBACKUP_S3_REGION"] = "eu-west-1",
            ["DBACKUP_S3_ACCESS_KEY"] = "AK",
            ["DBACKUP_S3_SECRET_KEY"] = "env-secret",
            ["DBACKUP_S3_CHUNK_ENCODING"] = "true",
        };

        using var destination = Assert.IsType<S3Destination>(DestinationUri.Parse("s3://bucket/team/backups/", environment: env.GetValueOrDefault));

        var options = destination.Options;
        Assert.Equal(("bucket", "team/backups", "http://minio:9000", "eu-west-1"), (options.Bucket, options.Prefix, options.Endpoint, options.Region));
        Assert.Equal(("AK", "env-secret"), (options.AccessKey, options.SecretKey));
        Assert.True(options.ForcePathStyle);
        Assert.True(options.EffectiveUseChunkEncoding);
        Assert.Equal("s3://bucket/team/backups", destination.Location);
        Assert.DoesNotContain("env-secret", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PrefersExplicitSettings_WhenBothGiven()
    {
        var env = new Dictionary<string, string> { ["DBACKUP_S3_ENDPOINT"] = "http://env:9000", ["DBACKUP_S3_FORCE_PATH_STYLE"] = "true" };

        var options = DestinationUri.ParseS3("s3://bucket", new S3Settings { Endpoint = "http://flag:9000", ForcePathStyle = false }, env.GetValueOrDefault);

        Assert.Equal(("http://flag:9000", false, ""), (options.Endpoint, options.ForcePathStyle, options.Prefix));
        Assert.False(options.EffectiveUseChunkEncoding);
        Assert.Equal(S3ChecksumMode.WhenRequired, options.EffectiveChecksumMode);
    }

    [Fact]
    public void ParseS3_UsesAwsDefaults_WhenNoEndpoint()
    {
        var options = DestinationUri.ParseS3("s3://bucket/p", environment: NoEnvironment);

        Assert.Null(options.AccessKey);
        Assert.False(options.ForcePathStyle);
        Assert.True(options.EffectiveUseChunkEncoding);
        Assert.Equal(S3ChecksumMode.WhenSupported, options.EffectiveChecksumMode);
    }

    [Theory]
    [InlineData("s3://AKIA:topsecret@bucket/p")]
    [InlineData("s3://user@bucket")]
    public void ParseS3_RefusesWithoutEchoingSecret_WhenUriHoldsCredentials(string uri)
    {
        var ex = Assert.Throws<ArgumentException>(() => DestinationUri.ParseS3(uri, environment: NoEnvironment));

        Assert.DoesNotContain("topsecret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Credentials", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3:///prefix")]
    [InlineData("s3://bucket/../x")]
    public void ParseS3_Throws_WhenUriIsMalformed(string uri)
    {
        Assert.Throws<ArgumentException>(() => DestinationUri.ParseS3(uri, environment: NoEnvironment));
    }

    [Fact]
    public void ParseS3_Throws_WhenFlagIsNotBoolean()
    {
        var env = new Dictionary<string, string> { ["DBACKUP_S3_CHUNK_ENCODING"] = "maybe" };

        var ex = Assert.Throws<ArgumentException>(() => DestinationUri.ParseS3("s3://bucket", environment: env.GetValueOrDefault));

        Assert.Contains("DBACKUP_S3_CHUNK_ENCODING", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Policy folder + backup file: the key keeps both.
    [InlineData("s3://bucket/team/nightly/nightly-20260101T030000Z.tar.gz.enc", "s3://bucket/team", "nightly/nightly-20260101T030000Z.tar.gz.enc")]
    [InlineData("s3://bucket/nightly/nightly-20260101T030000Z.tar.gz", "s3://bucket", "nightly/nightly-20260101T030000Z.tar.gz")]
    // Any other file: the key is the file name.
    [InlineData("s3://bucket/exports/my-backup.tar.gz", "s3://bucket/exports", "my-backup.tar.gz")]
    [InlineData("s3://bucket/other/nightly-20260101T030000Z.tar.gz", "s3://bucket/other", "nightly-20260101T030000Z.tar.gz")]
    public void ParseFile_SplitsDestinationAndKey_WhenGivenS3Uri(string uri, string location, string key)
    {
        var file = DestinationUri.ParseFile(uri, environment: NoEnvironment);

        Assert.Equal((location, key), (file.Destination.Location, file.Key));
    }

    [Fact]
    public void ParseFile_SplitsDestinationAndKey_WhenGivenLocalPath()
    {
        using var temp = new TempDirectory();

        var inPolicy = DestinationUri.ParseFile(temp.Combine("nightly", "nightly-20260101T030000Z.tar.gz"), environment: NoEnvironment);
        var loose = DestinationUri.ParseFile(temp.Combine("downloads", "copy.tar.gz.enc"), environment: NoEnvironment);

        Assert.Equal((temp.Path, "nightly/nightly-20260101T030000Z.tar.gz"), (inPolicy.Destination.Location, inPolicy.Key));
        Assert.Equal((temp.Combine("downloads"), "copy.tar.gz.enc"), (loose.Destination.Location, loose.Key));
    }

    [Fact]
    public void ParseFile_Throws_WhenUriNamesOnlyBucket()
    {
        Assert.Throws<ArgumentException>(() => DestinationUri.ParseFile("s3://bucket/", environment: NoEnvironment));
    }
}
