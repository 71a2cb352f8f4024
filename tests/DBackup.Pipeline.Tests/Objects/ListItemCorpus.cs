using System.Text;

namespace DBackup.Pipeline.Tests.Objects;

/// <summary>List items (as an API server sends them in a LIST) for the ListItemCleaner equivalence tests.</summary>
internal static class ListItemCorpus
{
    /// <summary>Hand-written items covering every rule of ObjectCleaner and SecretRedactor, with (apiVersion, kind) of their list.</summary>
    public static IEnumerable<(string ApiVersion, string Kind, string Json)> Handwritten() =>
    [
        ("v1", "ConfigMap", """{"metadata":{"name":"cm","namespace":"a","uid":"u","resourceVersion":"12","generation":3,"creationTimestamp":"2026-01-01T00:00:00Z","managedFields":[{"manager":"kubectl","operation":"Update","fieldsV1":{"f:data":{".":{},"f:k":{}}}}],"selfLink":"/x","deletionTimestamp":"2026-01-02T00:00:00Z","deletionGracePeriodSeconds":30,"ownerReferences":[{"uid":"o","controller":false}],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"a\":1}"},"labels":{"app":"x"}},"data":{"k":"v"},"status":{"phase":"x"}}"""),
        ("v1", "ConfigMap", """{"apiVersion":"v9","metadata":{"name":"order","annotations":{"a":"1","kubectl.kubernetes.io/last-applied-configuration":"{}","b":"2"},"labels":{}},"kind":"Wrong","data":{}}"""),
        ("v1", "ConfigMap", """{"metadata":{"name":"only-applied","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"},"labels":{"dbackup.io/exclude":"true"}},"binaryData":{"b":"AAEC"}}"""),
        ("v1", "ConfigMap", """{"metadata":{"name":"esc\u00e9\"\\\/<>&'+","namespace":"n","labels":{"\u0061pp":"caf\u00e9 \ud83d\ude00","x":"<script>&amp;"}},"data":{"unicode":"żółw 日本","ctl":"line\nnext\ttab\u0001","na\u006De":"v"}}"""),
        ("v1", "ConfigMap", """{"metadata":{"name":"nums"},"data":{},"extra":{"n":[1,-0.5,1e3,12345678901234567890,1.0E-7,0],"b":[true,false,null],"deep":{"a":{"b":{"c":[[],{},[{}]]}}}}}"""),
        ("v1", "ConfigMap", """{"metadata":{"name":"owned","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"r","uid":"x","controller":true,"blockOwnerDeletion":true}]}}"""),
        ("v1", "ConfigMap", """{"metadata":{"name":"odd-owner","ownerReferences":[{"controller":"true"},{"nested":{"controller":true}}]}}"""),
        ("v1", "ConfigMap", """{"metadata":{"name":"nulls","labels":null,"annotations":null},"data":null}"""),
        ("v1", "Secret", """{"metadata":{"name":"s","namespace":"a","labels":{"app":"x"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"c2VjcmV0\"}}","keep":"me"},"uid":"u"},"data":{"password":"c2VjcmV0","user":"YWRtaW4="},"stringData":{"token":"plain"},"type":"Opaque"}"""),
        ("v1", "Secret", """{"metadata":{"name":"no-labels"},"type":"kubernetes.io/service-account-token","data":{"token":"eHl6"}}"""),
        ("v1", "Secret", """{"metadata":{"name":"empty-labels","labels":{},"annotations":{}},"data":{"a":"Yg=="}}"""),
        ("v1", "Secret", """{"metadata":{"name":"marked","labels":{"dbackup.io/redacted":"false","z":"1"}},"data":"not-a-map","stringData":["x"]}"""),
        ("v1", "Secret", """{"metadata":{"name":"null-labels","labels":null},"data":null,"stringData":{}}"""),
        ("v1", "Secret", """{"data":{"k":"dg=="},"type":"Opaque"}"""),
        ("v1", "Secret", """{"metadata":null,"data":{"k":"dg=="}}"""),
        ("v1", "Secret", """{"metadata":"weird","kind":"Secret","apiVersion":"v1","data":{"k":"dg=="}}"""),
        ("apps/v1", "Deployment", """{"metadata":{"name":"web","namespace":"a","generation":7,"annotations":{"deployment.kubernetes.io/revision":"3"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"},"creationTimestamp":null},"spec":{"containers":[{"name":"c","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}},"status":{"replicas":3,"conditions":[{"type":"Available","status":"True"}]}}"""),
        ("example.com/v1", "Secret", """{"metadata":{"name":"not-core"},"data":{"k":"v"}}"""),
        ("v1", "Namespace", """{"metadata":{"name":"team-01","labels":{"kubernetes.io/metadata.name":"team-01"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}"""),
    ];

    /// <summary>Seeded random items: shuffled field order, server fields, escapes, nesting, Secrets and ConfigMaps.</summary>
    public static IEnumerable<(string ApiVersion, string Kind, string Json)> Random(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var secret = random.Next(3) == 0;
            var meta = new List<string>
            {
                $"\"name\":{Str(random, i)}",
                $"\"namespace\":{Str(random, i)}",
                "\"uid\":\"8f0c\"",
                $"\"resourceVersion\":\"{random.Next()}\"",
                "\"creationTimestamp\":\"2026-11-23T08:00:00Z\"",
                "\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"fieldsV1\":{\"f:metadata\":{}}}]",
            };
            if (random.Next(2) == 0)
            {
                meta.Add($"\"labels\":{Map(random, includeMark: secret && random.Next(3) == 0, includeExclude: random.Next(5) == 0)}");
            }

            if (random.Next(2) == 0)
            {
                meta.Add($"\"annotations\":{Map(random, includeApplied: random.Next(2) == 0)}");
            }

            if (random.Next(4) == 0)
            {
                meta.Add($"\"ownerReferences\":[{{\"name\":\"o\",\"controller\":{(random.Next(2) == 0 ? "true" : "false")}}}]");
            }

            var top = new List<string> { $"\"metadata\":{{{string.Join(',', Shuffle(random, meta))}}}", $"\"data\":{Map(random)}" };
            if (random.Next(2) == 0)
            {
                top.Add("\"status\":{\"x\":[1,2,{\"y\":null}]}");
            }

            if (secret)
            {
                top.Add($"\"type\":{(random.Next(4) == 0 ? "\"kubernetes.io/service-account-token\"" : "\"Opaque\"")}");
                if (random.Next(2) == 0)
                {
                    top.Add($"\"stringData\":{Map(random)}");
                }
            }

            if (random.Next(3) == 0)
            {
                top.Add($"\"apiVersion\":\"v1\",\"kind\":\"{(secret ? "Secret" : "ConfigMap")}\"");
            }

            if (random.Next(3) == 0)
            {
                top.Add($"\"spec\":{{\"n\":{random.NextDouble() * 1e6},\"i\":{random.Next(-5, 5)},\"list\":[{Str(random, i)},true,null]}}");
            }

            yield return ("v1", secret ? "Secret" : "ConfigMap", "{" + string.Join(',', Shuffle(random, top)) + "}");
        }
    }

    private static string Map(Random random, bool includeMark = false, bool includeExclude = false, bool includeApplied = false)
    {
        var entries = Enumerable.Range(0, random.Next(4)).Select(n => $"{Str(random, n)}:{Str(random, n + 7)}").ToList();
        if (includeMark)
        {
            entries.Add("\"dbackup.io/redacted\":\"maybe\"");
        }

        if (includeExclude)
        {
            entries.Add("\"dbackup.io/exclude\":\"true\"");
        }

        if (includeApplied)
        {
            entries.Add("\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"kind\\\":\\\"x\\\"}\"");
        }

        return "{" + string.Join(',', Shuffle(random, entries).DistinctBy(e => e.Split(':')[0])) + "}";
    }

    private static string Str(Random random, int n)
    {
        string[] pieces = ["a", "key", "é", "\\u00e9", "\\\"", "\\\\", "<", "&", "'", "+", "日本", "\\ud83d\\ude00", "\\n", "\\/", "-", ".", "0"];
        var sb = new StringBuilder("\"x").Append(n);
        for (var i = random.Next(5); i > 0; i--)
        {
            sb.Append(pieces[random.Next(pieces.Length)]);
        }

        return sb.Append('"').ToString();
    }

    private static List<string> Shuffle(Random random, List<string> items) => [.. items.OrderBy(_ => random.Next())];
}
