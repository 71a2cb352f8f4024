using DBackup.Pipeline.Tests.Support;

namespace DBackup.Operator.Tests.Cli;

[Collection(S3rverCollection.Name)]
public sealed class S3CommandTests(S3rverFixture s3) : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private void UseS3rverEnvironment()
    {
        _cli.Environment["DBACKUP_S3_ENDPOINT"] = s3.ServiceUrl;
        _cli.Environment["DBACKUP_S3_ACCESS_KEY"] = S3rverFixture.AccessKey;
        _cli.Environment["DBACKUP_S3_SECRET_KEY"] = S3rverFixture.SecretKey;
    }

    [Fact]
    public async Task PackListVerifyExport_WorkAgainstS3Uris()
    {
        UseS3rverEnvironment();
        var bucket = await s3.CreateBucketAsync();
        Samples.WriteManifests(_cli);
        var (key, keyId) = await _cli.KeygenAsync("k.key");
        var dest = $"s3://{bucket}/team/backups";

        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", key, "--name", "cloud");
        var list = await _cli.RunOkAsync("list", dest);
        var raw = await s3.RawKeysAsync(bucket);

        var payloadKey = Assert.Single(raw, k => k.EndsWith(".tar.gz.enc", StringComparison.Ordinal));
        Assert.StartsWith("team/backups/cloud/cloud-", payloadKey, StringComparison.Ordinal);
        Assert.Contains(keyId, list.Out, StringComparison.Ordinal);
        var file = $"s3://{bucket}/{payloadKey}";
        var verify = await _cli.RunOkAsync("verify", file, "--key-file", key);
        Assert.StartsWith("OK ", verify.Out, StringComparison.Ordinal);
        await _cli.RunOkAsync("export", file, "--key-file", key, "--out", _cli.PathOf("tree"));
        Assert.True(File.Exists(_cli.PathOf("tree", "team-a", "deployment", "web.yaml")));
    }

    [Fact]
    public async Task Flags_OverrideEnvironment_ForEndpoint()
    {
        _cli.Environment["DBACKUP_S3_ACCESS_KEY"] = S3rverFixture.AccessKey;
        _cli.Environment["DBACKUP_S3_SECRET_KEY"] = S3rverFixture.SecretKey;
        _cli.Environment["DBACKUP_S3_ENDPOINT"] = "http://127.0.0.1:9";
        var bucket = await s3.CreateBucketAsync();
        Samples.WriteManifests(_cli);

        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", $"s3://{bucket}", "--s3-endpoint", s3.ServiceUrl, "--s3-force-path-style");

        Assert.Equal(2, (await s3.RawKeysAsync(bucket)).Count);
    }

    [Fact]
    public async Task S3Uri_WithCredentials_IsRefusedWithoutEchoingThem()
    {
        var run = await _cli.RunAsync("list", "s3://AKIA:supersecret@bucket/prefix");

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("supersecret", run.Err, StringComparison.Ordinal);
    }
}
