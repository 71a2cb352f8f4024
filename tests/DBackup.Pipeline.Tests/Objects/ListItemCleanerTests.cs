using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Tests.Objects;

public sealed class ListItemCleanerTests
{
    public static TheoryData<string, string, string> Handwritten()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (apiVersion, kind, json) in ListItemCorpus.Handwritten())
        {
            data.Add(apiVersion, kind, json);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Handwritten))]
    public void Clean_WritesTheSameBytesAsObjectCleanerAndSecretRedactor(string apiVersion, string kind, string json)
    {
        foreach (var redact in new[] { false, true })
        {
            Assert.Equal(Reference(apiVersion, kind, json, redact), Streamed(apiVersion, kind, json, redact).Json);
        }
    }

    [Fact]
    public void Clean_MatchesTheReference_OnASeededRandomCorpus()
    {
        var checkedItems = 0;
        foreach (var (apiVersion, kind, json) in ListItemCorpus.Random(2_000, seed: 4242))
        {
            foreach (var redact in new[] { false, true })
            {
                var expected = Reference(apiVersion, kind, json, redact);
                var actual = Streamed(apiVersion, kind, json, redact).Json;
                Assert.True(expected == actual, $"differs for {json} (redact {redact}):\n expected {expected}\n actual   {actual}");
                checkedItems++;
            }
        }

        Assert.Equal(4_000, checkedItems);
    }

    [Fact]
    public void Clean_RedactsSecretValues_AndNeverCopiesThem()
    {
        const string canary = "Q0FOQVJZLXZhbHVl";
        var json = $$$"""{"metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"k\":\"{{{canary}}}\"}}"}},"data":{"k":"{{{canary}}}"},"stringData":{"p":"CANARY-plain"}}""";

        var (output, facts) = Streamed("v1", "Secret", json, redact: true);

        Assert.DoesNotContain(canary, output, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY-plain", output, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.DataPlaceholder, output, StringComparison.Ordinal);
        Assert.Contains("\"dbackup.io/redacted\":\"true\"", output, StringComparison.Ordinal);
        Assert.True(facts.Redacted);
    }

    [Fact]
    public void Clean_KeepsSecretValues_WhenNotRedacting()
    {
        var (output, facts) = Streamed("v1", "Secret", """{"metadata":{"name":"s"},"data":{"k":"dmFsdWU="}}""", redact: false);

        Assert.Contains("dmFsdWU=", output, StringComparison.Ordinal);
        Assert.False(facts.Redacted);
    }

    [Fact]
    public void Clean_ReportsNameNamespaceTypeLabelAndControllerOwner()
    {
        var json = """{"metadata":{"name":"tok","namespace":"ns1","labels":{"dbackup.io/exclude":"true"},"ownerReferences":[{"name":"o","controller":true}]},"type":"kubernetes.io/service-account-token"}""";

        var (_, facts) = Streamed("v1", "Secret", json, redact: false);

        Assert.Equal("tok", facts.Name);
        Assert.Equal("ns1", facts.Namespace);
        Assert.Equal("kubernetes.io/service-account-token", facts.Type);
        Assert.Equal("true", facts.WatchedLabelValue);
        Assert.True(facts.ControllerOwned);
    }

    [Fact]
    public void Clean_DoesNotCountANonControllerOwner()
    {
        var (_, facts) = Streamed("v1", "ConfigMap", """{"metadata":{"name":"a","ownerReferences":[{"controller":false},{"x":{"controller":true}}]}}""", redact: false);

        Assert.False(facts.ControllerOwned);
    }

    [Fact]
    public void Clean_LeavesTheReaderOnTheItemEnd_SoAWholeListCanBeWalked()
    {
        var list = Encoding.UTF8.GetBytes("""[{"metadata":{"name":"a"},"status":{"x":[1]}},{"metadata":{"name":"b"}}]""");
        var reader = new Utf8JsonReader(list);
        reader.Read();
        var names = new List<string?>();
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            names.Add(ListItemCleaner.Clean(ref reader, writer, new ListItemCleanOptions("v1", "ConfigMap")).Name);
        }

        Assert.Equal(["a", "b"], names);
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
    }

    [Fact]
    public void Clean_RefusesServices_AndNonObjects()
    {
        Assert.False(ListItemCleaner.Handles("v1", "Service"));
        Assert.Throws<ArgumentException>(() => Streamed("v1", "Service", """{"metadata":{"name":"s"}}""", redact: false));
        Assert.Throws<JsonException>(() => Streamed("v1", "ConfigMap", "[1]", redact: false));
        Assert.ThrowsAny<JsonException>(() => Streamed("v1", "ConfigMap", """{"metadata":{"name":"s"}""", redact: false));
    }

    /// <summary>What the collector produced before ListItemCleaner: JsonNode, apiVersion/kind set, cleaned, redacted, serialised.</summary>
    private static string Reference(string apiVersion, string kind, string json, bool redact)
    {
        var item = JsonNode.Parse(json)!.AsObject();
        item["apiVersion"] = apiVersion;
        item["kind"] = kind;
        var kept = ObjectCleaner.Clean(item);
        if (redact && SecretRedactor.IsSecret(kept))
        {
            kept = SecretRedactor.Redact(kept);
        }

        return Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(kept));
    }

    private static (string Json, ListItemFacts Facts) Streamed(string apiVersion, string kind, string json, bool redact)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        ListItemFacts facts;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            facts = ListItemCleaner.Clean(ref reader, writer, new ListItemCleanOptions(apiVersion, kind) { RedactSecrets = redact, WatchedLabel = "dbackup.io/exclude" });
        }

        return (Encoding.UTF8.GetString(buffer.WrittenSpan), facts);
    }
}
