using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Operator.Manifests;

namespace DBackup.Operator.Tests.Manifests;

public sealed class ManifestLoaderTests
{
    [Fact]
    public void LoadText_ReturnsEachDocument_WhenYamlHasSeveralAndEmptyOnes()
    {
        const string yaml = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            ---
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: b
            """;

        var docs = ManifestLoader.LoadText("m.yaml", yaml);

        Assert.Equal(["a", "b"], docs.Select(d => (string?)d.Object["metadata"]!["name"]));
        Assert.Equal(2, docs[0].Line);
        Assert.Equal(9, docs[1].Line);
    }

    [Fact]
    public void LoadText_KeepsScalarTypesAsKubernetesWould()
    {
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: types}
            data:
              port: "8080"
              enabled: "true"
              empty: ""
              quotedYes: "yes"
              version: '1.10'
              date: 2026-01-01
              multi: |
                line one
                line two
            spec:
              replicas: 3
              ratio: 0.5
              big: 12345678901234567890
              hex: 0x1F
              defaultMode: 0644
              nine: 09
              under: 1_000
              on: yes
              off: Off
              nothing: null
              tilde: ~
            """;

        var obj = Assert.Single(ManifestLoader.LoadText("t.yaml", yaml)).Object;

        var data = obj["data"]!.AsObject();
        Assert.All(data, p => Assert.Equal(JsonValueKind.String, p.Value!.GetValueKind()));
        Assert.Equal("8080", (string?)data["port"]);
        Assert.Equal("yes", (string?)data["quotedYes"]);
        Assert.Equal("2026-01-01", (string?)data["date"]);
        Assert.Equal("1.10", (string?)data["version"]);
        Assert.Equal("line one\nline two\n", (string?)data["multi"]);
        var spec = obj["spec"]!.AsObject();
        Assert.Equal("""{"replicas":3,"ratio":0.5,"big":12345678901234567890,"hex":31,"defaultMode":420,"nine":9,"under":1000,"on":true,"off":false,"nothing":null,"tilde":null}""", spec.ToJsonString());
    }

    [Fact]
    public void LoadText_ResolvesAnchorsAndMergeKeys()
    {
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: merged}
            data:
              base: &base {a: "1", b: "2"}
              derived:
                <<: *base
                b: "3"
            """;

        var obj = Assert.Single(ManifestLoader.LoadText("m.yaml", yaml)).Object;

        var derived = obj["data"]!["derived"]!.AsObject();
        Assert.Equal(2, derived.Count);
        Assert.Equal("1", (string?)derived["a"]);
        Assert.Equal("3", (string?)derived["b"]);
    }

    [Fact]
    public void LoadText_ExpandsListsAndTypedLists()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: one}
            - apiVersion: v1
              kind: Secret
              metadata: {name: two}
            ---
            apiVersion: v1
            kind: ConfigMapList
            items:
            - metadata: {name: three}
            """;

        var docs = ManifestLoader.LoadText("l.yaml", yaml);

        Assert.Equal(["ConfigMap/one", "Secret/two", "ConfigMap/three"],
            docs.Select(d => $"{(string?)d.Object["kind"]}/{(string?)d.Object["metadata"]!["name"]}"));
        Assert.Equal("v1", (string?)docs[2].Object["apiVersion"]);
    }

    [Fact]
    public void LoadText_ReadsJsonFiles_KeepingNumbersExact()
    {
        const string json = """
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"},"data":{"port":"8080"}},
              {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":2}}]}
            """;

        var docs = ManifestLoader.LoadText("x.json", json);

        Assert.Equal(2, docs.Count);
        Assert.Equal(JsonValueKind.String, docs[0].Object["data"]!["port"]!.GetValueKind());
        Assert.Equal(2, (int)docs[1].Object["spec"]!["replicas"]!);
    }

    [Fact]
    public void LoadText_NamesFileAndLine_WhenYamlIsBad()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: [unclosed\n";

        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadText("broken.yaml", yaml));

        Assert.StartsWith("broken.yaml:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_NamesFileAndLine_WhenJsonIsBad()
    {
        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadText("bad.json", "{\n\"kind\": \"ConfigMap\",\n}"));

        Assert.StartsWith("bad.json:3:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_Throws_WhenDocumentIsNotAnObject()
    {
        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadText("s.yaml", "- a\n- b\n"));

        Assert.Contains("s.yaml:1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadText_Throws_WhenAliasesExpandBeyondBudget()
    {
        var lines = new List<string> { "a: &a [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 0; i < 8; i++)
        {
            var prev = (char)('a' + i);
            var next = (char)('b' + i);
            lines.Add($"{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]");
        }

        var ex = Assert.Throws<ManifestException>(() => ManifestLoader.LoadText("bomb.yaml", string.Join('\n', lines)));

        Assert.Contains("more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_ReadsRecursivelyInOrder_SkippingDotFoldersAndOtherFiles()
    {
        var dir = Directory.CreateTempSubdirectory("dbackup-load-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "b", "c"));
            Directory.CreateDirectory(Path.Combine(dir.FullName, ".github"));
            File.WriteAllText(Path.Combine(dir.FullName, "b", "c", "z.yml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\n");
            File.WriteAllText(Path.Combine(dir.FullName, "a.JSON"), """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}""");
            File.WriteAllText(Path.Combine(dir.FullName, "b", "m.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n");
            File.WriteAllText(Path.Combine(dir.FullName, ".github", "ci.yaml"), "on: push\n");
            File.WriteAllText(Path.Combine(dir.FullName, "README.md"), "# not a manifest");

            var docs = ManifestLoader.LoadFolder(dir.FullName);

            Assert.Equal(["a.JSON", "b/c/z.yml", "b/m.yaml"], docs.Select(d => d.File));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void YamlWriter_RoundTripsToSameJson()
    {
        var original = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"r","labels":{}},
             "data":{"port":"8080","bool":"true","null":"null","empty":"","dash":"- item","colon":"a: b","hash":"#x",
               "multi":"line1\nline2\n","trailing":"x \ny","float":"1.5","octal":"0o17","mode":"0644","yes":"yes","off":"Off","inf":".inf","merge":"<<","star":"*a","lead":" lead","trail":"trail ","tab":"a\tb","uni":"ü 日本 🎉","bell":"\u0007","crlf":"a\r\nb","brace":"{x}","date":"2026-01-01","stamp":"2026-01-01T03:00:00Z","nlfirst":"\nafter","nltwice":"a\n\n","nonl":"a\nb","indented":"  x\ny","bang":"!tag","pct":"%x","at":"@x","tick":"`x","q":"?x","long":"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word end","quote":"it's \"q\""},
             "spec":{"n":1,"f":2.5,"b":false,"z":null,"list":[1,"1",[]]}}
            """)!;

        var yaml = YamlWriter.Write(original);
        var back = Assert.Single(ManifestLoader.LoadText("r.yaml", yaml)).Object;

        Assert.Equal(original.ToJsonString(), back.ToJsonString());
        Assert.Contains("port: \"8080\"", yaml, StringComparison.Ordinal);
        Assert.Contains("date: \"2026-01-01\"", yaml, StringComparison.Ordinal);
    }
}
