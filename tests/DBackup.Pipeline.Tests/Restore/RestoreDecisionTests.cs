using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Objects;
using DBackup.Pipeline.Restore;

namespace DBackup.Pipeline.Tests.Restore;

public sealed class RestoreDecisionTests
{
    private const string Canary = "canary-4f1e-never-in-a-diff";

    private static JsonObject Cm(string color, string? tier = null)
    {
        var metadata = new JsonObject { ["name"] = "app", ["namespace"] = "shop" };
        if (tier is not null)
        {
            metadata["labels"] = new JsonObject { ["app.kubernetes.io/tier"] = tier };
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata, ["data"] = new JsonObject { ["color"] = color } };
    }

    private static JsonObject Secret(string field, string value) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "db", ["namespace"] = "shop" },
        ["type"] = "Opaque", [field] = new JsonObject { ["password"] = value },
    };

    private static JsonObject Live(JsonObject o)
    {
        var live = (JsonObject)o.DeepClone();
        live["metadata"]!["resourceVersion"] = "42";
        live["metadata"]!["uid"] = "u-1";
        live["status"] = new JsonObject { ["x"] = 1 };
        return live;
    }

    [Fact]
    public void Decide_CreatesMissing_UnchangedWhenServerOnlyAddedFields()
    {
        Assert.Equal(RestoreAction.Create, RestoreDecision.Decide(Cm("blue"), null, overwrite: false).Action);
        Assert.Equal(RestoreAction.Unchanged, RestoreDecision.Decide(Cm("blue"), Live(Cm("blue")), overwrite: true).Action);
    }

    [Fact]
    public void Decide_UpdatesInOverwrite_SkipsInMerge_WithValueDiff()
    {
        var update = RestoreDecision.Decide(Cm("blue", tier: "web"), Live(Cm("red")), overwrite: true);
        var skip = RestoreDecision.Decide(Cm("blue"), Live(Cm("red")), overwrite: false);

        Assert.Equal(RestoreAction.Update, update.Action);
        Assert.Equal("metadata.labels: (none) → {\"app.kubernetes.io/tier\":\"web\"}; data.color: \"red\" → \"blue\"", update.Reason);
        Assert.Equal(RestoreAction.Skip, skip.Action);
        Assert.StartsWith(RestoreDecision.MergeSkip, skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_KeepsDottedKeysWhole_AndCutsLongValues()
    {
        var live = Cm("red", tier: "api");
        var wanted = Cm(new string('x', 100), tier: "web");

        var diff = FieldDiff.Describe(live, wanted);

        Assert.Contains("metadata.labels.app.kubernetes.io/tier: \"api\" → \"web\"", diff, StringComparison.Ordinal);
        Assert.Contains("…", diff, StringComparison.Ordinal);
        Assert.True(diff.Length < 160, diff);
    }

    [Fact]
    public void Diff_NeverShowsSecretValues()
    {
        var wanted = Secret("data", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Canary)));
        var live = Secret("data", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("old-" + Canary)));

        var decision = RestoreDecision.Decide(wanted, Live(live), overwrite: true);

        Assert.Equal("data.password: (secret value changed)", decision.Reason);
        Assert.DoesNotContain("canary", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ComparesStringDataAsTheDataTheServerStores()
    {
        var wanted = Secret("stringData", Canary);
        var live = Secret("data", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Canary)));

        Assert.Equal(RestoreAction.Unchanged, RestoreDecision.Decide(wanted, Live(live), overwrite: true).Action);
        Assert.Equal(RestoreAction.Update, RestoreDecision.Decide(Secret("stringData", "other"), Live(live), overwrite: true).Action);
    }

    [Fact]
    public void Decide_RedactedSecret_NeverReplacesExisting_AndIsCreatedWithNote()
    {
        var redacted = SecretRedactor.Redact(Secret("data", "cmVhbA=="));
        var live = Secret("data", "cmVhbA==");

        var overwrite = RestoreDecision.Decide(redacted, Live(live), overwrite: true);
        var missing = RestoreDecision.Decide(redacted, null, overwrite: true);

        Assert.Equal((RestoreAction.Skip, RestoreDecision.RedactedSkip), (overwrite.Action, overwrite.Reason));
        Assert.Equal((RestoreAction.Create, RestoreDecision.PlaceholderNote), (missing.Action, missing.Reason));
    }

    [Fact]
    public void Scrubber_RemovesDataValues_DecodedAndEncoded_AndStringData()
    {
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Canary));
        var secret = Secret("data", encoded);
        secret["stringData"] = new JsonObject { ["token"] = "plain-token-value" };

        var scrubbed = SecretScrubber.Scrub($"invalid value \"{Canary}\" ({encoded}) and plain-token-value", secret);

        Assert.Equal("invalid value \"[redacted]\" ([redacted]) and [redacted]", scrubbed);
        Assert.Equal("untouched canary", SecretScrubber.Scrub("untouched canary", Cm("canary")));
    }

    [Theory]
    [InlineData("""{"ports":[{"port":80}]}""", """{"ports":[{"port":80,"protocol":"TCP"}]}""", true)]
    [InlineData("""{"ports":[{"port":80}]}""", """{"ports":[{"port":81,"protocol":"TCP"}]}""", false)]
    [InlineData("""{"ports":[{"port":80}]}""", """{"ports":[{"port":80},{"port":81}]}""", false)]
    [InlineData("""{"args":["a","b"]}""", """{"args":["b","a"]}""", false)]
    [InlineData("""{"a":null}""", """{}""", true)]
    [InlineData("""{"a":null}""", """{"a":null}""", true)]
    [InlineData("""{"a":null}""", """{"a":1}""", false)]
    [InlineData("""{"a":{}}""", """{}""", false)]
    [InlineData("""{"a":[]}""", """{"a":null}""", false)]
    [InlineData("""{"a":"1"}""", """{"a":1}""", false)]
    [InlineData("""{"a":"x"}""", """{"a":{"x":1}}""", false)]
    [InlineData("""{"m":{"k":"v"}}""", """{"m":{"k":"v","extra":"e"},"status":{}}""", true)]
    [InlineData("""{"m":{"k":"v"}}""", """{"m":{"K":"v"}}""", false)]
    public void IsSubset_AllowsServerDefaultsInsideListElements(string wanted, string actual, bool expected)
    {
        Assert.Equal(expected, ObjectComparison.IsSubset(JsonNode.Parse(wanted), JsonNode.Parse(actual)));
        Assert.Equal(expected, ObjectComparison.IsSubset(Encoding.UTF8.GetBytes(wanted), Encoding.UTF8.GetBytes(actual)));
    }

    [Fact]
    public void IsSubset_OverBytes_FoldsStringDataLikeTheNodeComparison()
    {
        var wanted = Encoding.UTF8.GetBytes(Secret("stringData", Canary).ToJsonString());
        var live = Encoding.UTF8.GetBytes(Live(Secret("data", Convert.ToBase64String(Encoding.UTF8.GetBytes(Canary)))).ToJsonString());

        Assert.True(ObjectComparison.IsSubset(wanted, live));
        Assert.False(ObjectComparison.IsSubset(Encoding.UTF8.GetBytes(Secret("stringData", "other").ToJsonString()), live));
    }

    /// <summary>
    /// Both entry points (nodes and bytes) must agree with a plain reference reading of "every wanted field holds"
    /// on every pair of a seeded corpus of objects and mutated copies.
    /// </summary>
    [Fact]
    public void IsSubset_AgreesWithAReferenceDefinition_OnRandomMutations()
    {
        var random = new Random(20261123);
        int same = 0, differ = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var wanted = RandomObject(random, depth: 0);
            if (random.Next(2) == 0)
            {
                wanted["apiVersion"] = "v1";
                wanted["kind"] = random.Next(2) == 0 ? "ConfigMap" : "Secret";
            }

            var actual = (JsonObject)wanted.DeepClone();
            for (var m = random.Next(0, 3); m > 0; m--)
            {
                Mutate(random, actual);
            }

            var expected = Holds(wanted, actual);
            Assert.Equal(expected, ObjectComparison.IsSubset(wanted, actual));
            Assert.Equal(expected, ObjectComparison.IsSubset(Encoding.UTF8.GetBytes(wanted.ToJsonString()), Encoding.UTF8.GetBytes(actual.ToJsonString())));
            Assert.Equal(expected, ObjectComparison.DifferingPaths(wanted, actual).Count == 0);
            Assert.Equal(expected, IsSubsetOfListItem(wanted, actual));
            _ = expected ? same++ : differ++;
        }

        // Both outcomes must be well represented, or the corpus proves nothing.
        Assert.True(same > 500 && differ > 500, $"{same} subsets, {differ} not");
    }

    /// <summary>
    /// The list-item entry point: <paramref name="actual"/> as a LIST returns it, its string apiVersion and kind taken
    /// out and given as the listed resource's instead.
    /// </summary>
    private static bool IsSubsetOfListItem(JsonObject wanted, JsonObject actual)
    {
        var item = (JsonObject)actual.DeepClone();
        string? apiVersion = null, kind = null;
        if (item["apiVersion"] is JsonValue v && v.TryGetValue<string>(out var av))
        {
            (apiVersion, _) = (av, item.Remove("apiVersion"));
        }

        if (item["kind"] is JsonValue k && k.TryGetValue<string>(out var kd))
        {
            (kind, _) = (kd, item.Remove("kind"));
        }

        using var doc = JsonDocument.Parse(item.ToJsonString());
        return ObjectComparison.IsSubset(Encoding.UTF8.GetBytes(wanted.ToJsonString()), doc.RootElement, apiVersion, kind);
    }

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1"}}""", """{"data":{"a":"1"}}""", "v1", "ConfigMap", true)]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1"}}""", """{"data":{"a":"1"}}""", "apps/v1", "ConfigMap", false)]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1"}}""", """{"data":{"a":"1"}}""", null, null, false)]
    [InlineData("""{"apiVersion":"x.io/v1","kind":"W"}""", """{"apiVersion":"x.io/v2","kind":"W"}""", "x.io/v1", "W", false)]
    [InlineData("""{"apiVersion":"v1","kind":"Secret","stringData":{"a":"b"}}""", """{"data":{"a":"Yg=="}}""", "v1", "Secret", true)]
    [InlineData("""{"apiVersion":"v1","kind":"Secret","stringData":{"a":"b"}}""", """{"data":{"a":"Yg=="}}""", "v1", "ConfigMap", false)]
    public void IsSubset_OfAListItem_TakesMissingTypeFieldsFromTheResource(string wanted, string item, string? apiVersion, string? kind, bool expected)
    {
        using var doc = JsonDocument.Parse(item);
        Assert.Equal(expected, ObjectComparison.IsSubset(Encoding.UTF8.GetBytes(wanted), doc.RootElement, apiVersion, kind));
    }

    /// <summary>The reference: objects hold every wanted field, lists hold each wanted element at the same length, values are equal, null matches absent.</summary>
    private static bool Holds(JsonNode? wanted, JsonNode? actual) => wanted switch
    {
        JsonObject w => actual is JsonObject a && w.All(p => Holds(p.Value, a[p.Key])),
        JsonArray w => actual is JsonArray a && a.Count == w.Count && w.Select((item, i) => Holds(item, a[i])).All(x => x),
        _ => JsonNode.DeepEquals(wanted, actual),
    };

    private static JsonObject RandomObject(Random random, int depth)
    {
        var obj = new JsonObject();
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            obj[$"k{random.Next(6)}"] = RandomValue(random, depth + 1);
        }

        return obj;
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth < 3 ? 8 : 5) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(3)),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 or 4 => JsonValue.Create($"v{random.Next(3)}"),
        5 or 6 => RandomObject(random, depth),
        _ => new JsonArray([.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => RandomValue(random, depth + 1))]),
    };

    /// <summary>What a server or a concurrent writer does to an object: add, drop or change a field, somewhere in the tree.</summary>
    private static void Mutate(Random random, JsonNode node)
    {
        while (true)
        {
            var children = node switch
            {
                JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().Where(c => c is JsonObject or JsonArray).ToList(),
                JsonArray a => a.OfType<JsonNode>().Where(c => c is JsonObject or JsonArray).ToList(),
                _ => [],
            };
            if (children.Count > 0 && random.Next(2) == 0)
            {
                node = children[random.Next(children.Count)];
                continue;
            }

            switch (node)
            {
                case JsonObject o when o.Count > 0 && random.Next(3) == 0:
                    o.Remove(o.ElementAt(random.Next(o.Count)).Key);
                    break;
                case JsonObject o:
                    o[$"k{random.Next(8)}"] = RandomValue(random, 3);
                    break;
                case JsonArray a when a.Count > 0 && random.Next(2) == 0:
                    a[random.Next(a.Count)] = RandomValue(random, 3);
                    break;
                case JsonArray a:
                    a.Add(RandomValue(random, 3));
                    break;
            }

            return;
        }
    }

    [Theory]
    [InlineData("apiextensions.k8s.io", "customresourcedefinitions", "", "namespaces")]
    [InlineData("", "namespaces", "", "serviceaccounts")]
    [InlineData("", "serviceaccounts", "", "secrets")]
    [InlineData("", "secrets", "", "configmaps")]
    [InlineData("", "configmaps", "", "services")]
    [InlineData("", "services", "rbac.authorization.k8s.io", "rolebindings")]
    [InlineData("rbac.authorization.k8s.io", "roles", "apps", "deployments")]
    [InlineData("apps", "deployments", "networking.k8s.io", "ingresses")]
    [InlineData("networking.k8s.io", "ingresses", "example.com", "widgets")]
    public void Order_PutsDependenciesFirst(string firstGroup, string first, string thenGroup, string then) =>
        Assert.True(RestoreOrder.Rank(firstGroup, first) < RestoreOrder.Rank(thenGroup, then));
}
