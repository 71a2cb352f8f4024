using System.Text;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Tests.Objects;

public sealed class SecretRedactorTests
{
    private const string Canary = "canary-7f3a9d-never-in-output";

    private static JsonObject Secret() => JsonNode.Parse($$$"""
        {"apiVersion":"v1","kind":"Secret",
         "metadata":{"name":"db","namespace":"team-a","labels":{"app":"db"},
           "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"stringData\":{\"password\":\"{{{Canary}}}\"}}","note":"keep"}},
         "type":"kubernetes.io/basic-auth",
         "data":{"password":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary))}}}","username":"YWRtaW4="},
         "stringData":{"token":"{{{Canary}}}"}}
        """)!.AsObject();

    [Fact]
    public void Redact_ReplacesEveryValue_WhenObjectIsSecret()
    {
        var redacted = SecretRedactor.Redact(Secret());

        Assert.Equal(SecretRedactor.DataPlaceholder, (string?)redacted["data"]!["password"]);
        Assert.Equal(SecretRedactor.DataPlaceholder, (string?)redacted["data"]!["username"]);
        Assert.Equal(SecretRedactor.Placeholder, (string?)redacted["stringData"]!["token"]);
    }

    [Fact]
    public void Redact_KeepsKeysTypeAndLabels_AndAddsRedactedLabel()
    {
        var redacted = SecretRedactor.Redact(Secret());

        Assert.Equal(["password", "username"], redacted["data"]!.AsObject().Select(p => p.Key));
        Assert.Equal("kubernetes.io/basic-auth", (string?)redacted["type"]);
        Assert.Equal("db", (string?)redacted["metadata"]!["labels"]!["app"]);
        Assert.Equal("true", (string?)redacted["metadata"]!["labels"]![SecretRedactor.RedactedLabel]);
        Assert.Equal("keep", (string?)redacted["metadata"]!["annotations"]!["note"]);
        Assert.True(SecretRedactor.IsRedacted(redacted));
    }

    [Fact]
    public void Redact_LeavesNoCanaryAnywhere_IncludingLastAppliedAnnotation()
    {
        var json = SecretRedactor.Redact(Secret()).ToJsonString();

        Assert.DoesNotContain(Canary, json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)), json, StringComparison.Ordinal);
        Assert.DoesNotContain("last-applied-configuration", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_DoesNotChangeInput()
    {
        var secret = Secret();
        var before = secret.ToJsonString();

        SecretRedactor.Redact(secret);

        Assert.Equal(before, secret.ToJsonString());
    }

    [Fact]
    public void Redact_ReturnsUnchangedCopy_WhenObjectIsNotCoreSecret()
    {
        var notSecret = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Secret","data":{"a":"b"}}""")!.AsObject();

        var result = SecretRedactor.Redact(notSecret);

        Assert.Equal(notSecret.ToJsonString(), result.ToJsonString());
        Assert.False(SecretRedactor.IsRedacted(result));
    }

    [Fact]
    public void Redact_AddsLabels_WhenSecretHasNoMetadataLabels()
    {
        var secret = JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"},"data":{"k":"dg=="}}""")!.AsObject();

        var redacted = SecretRedactor.Redact(secret);

        Assert.True(SecretRedactor.IsRedacted(redacted));
    }
}
