using System.Text;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Http;

/// <summary>
/// The list continue token: base64url of {"v":"meta.k8s.io/v1","rv":snapshot,"start":lastKey+"\0"},
/// the same shape the apiserver's etcd3 store uses. rv &lt;= 0 means "continue at the latest revision".
/// </summary>
internal static class ContinueToken
{
    public static string Encode(long revision, string lastKey)
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = revision, ["start"] = lastKey + "\0" }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static (long Revision, string AfterKey) Decode(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var obj = JsonNode.Parse(Convert.FromBase64String(b64)) as JsonObject;
            if (obj?["v"]?.GetValue<string>() != "meta.k8s.io/v1") throw ApiErrors.BadRequest("continue key is not valid: server does not recognize this encoded key");
            var start = obj["start"]?.GetValue<string>() ?? "";
            if (start.Length == 0) throw ApiErrors.BadRequest("continue key is not valid: encoded key is empty");
            return (obj["rv"]!.GetValue<long>(), start.TrimEnd('\0'));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            throw ApiErrors.BadRequest($"continue key is not valid: {e.Message}");
        }
    }
}
