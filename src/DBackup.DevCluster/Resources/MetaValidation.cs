using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Resources;

/// <summary>ObjectMeta validation with apimachinery's messages (validation.IsDNS1123Subdomain and friends).</summary>
internal static partial class MetaValidation
{
    private const string SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035Msg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    private const string LabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string QualifiedNameMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035();
    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();

    public static IEnumerable<FieldError> Name(string name, NameRule rule, string path = "metadata.name")
    {
        var (ok, max, msg) = rule switch
        {
            NameRule.DnsLabel => (Label().IsMatch(name), 63, LabelMsg),
            NameRule.Dns1035Label => (Dns1035().IsMatch(name), 63, Dns1035Msg),
            NameRule.PathSegment => (name is not ("." or "..") && !name.Contains('/') && !name.Contains('%'), int.MaxValue,
                name is "." or ".." ? $"may not be '{name}'" : "may not contain '/'"),
            _ => (Subdomain().IsMatch(name), 253, SubdomainMsg),
        };
        if (name.Length > max) yield return FieldError.Invalid(path, FieldError.Quote(name), $"must be no more than {max} characters");
        if (!ok) yield return FieldError.Invalid(path, FieldError.Quote(name), msg);
    }

    public static IEnumerable<FieldError> Labels(JsonObject meta)
    {
        if (meta["labels"] is not JsonObject labels) yield break;
        foreach (var (k, v) in labels)
        {
            foreach (var e in QualifiedKey(k, "metadata.labels")) yield return e;
            var value = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : null;
            if (value is null)
            {
                yield return FieldError.Invalid($"metadata.labels", v, "label values must be strings");
                continue;
            }
            if (value.Length > 63) yield return FieldError.Invalid("metadata.labels", FieldError.Quote(value), "must be no more than 63 characters");
            if (!LabelValue().IsMatch(value)) yield return FieldError.Invalid("metadata.labels", FieldError.Quote(value), LabelValueMsg);
        }
    }

    public static IEnumerable<FieldError> Annotations(JsonObject meta)
    {
        if (meta["annotations"] is not JsonObject annotations) yield break;
        foreach (var (k, _) in annotations)
        {
            foreach (var e in QualifiedKey(k, "metadata.annotations")) yield return e;
        }
    }

    private const long MaxAnnotationBytes = 256 * 1024;
    private static readonly HashSet<string> StandardFinalizers = ["kubernetes", "orphan", "foregroundDeletion"];

    /// <summary>Annotations may not exceed 256 KiB in total (keys plus values).</summary>
    public static IEnumerable<FieldError> AnnotationSize(JsonObject meta)
    {
        if (meta["annotations"] is not JsonObject annotations) yield break;
        var total = annotations.Sum(a => (long)a.Key.Length + (a.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s.Length : 0));
        if (total > MaxAnnotationBytes) yield return FieldError.TooLong("metadata.annotations", MaxAnnotationBytes);
    }

    /// <summary>Finalizers are qualified names (domain-less ones other than the standard three only warn in 1.32).</summary>
    public static IEnumerable<FieldError> Finalizers(JsonObject meta)
    {
        if (meta["finalizers"] is not JsonArray finalizers) yield break;
        for (var i = 0; i < finalizers.Count; i++)
        {
            var name = finalizers[i] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            if (StandardFinalizers.Contains(name)) continue;
            foreach (var e in QualifiedKey(name, $"metadata.finalizers[{i}]")) yield return e;
        }
    }

    /// <summary>Owner references need apiVersion, kind, name and uid, and at most one may be the controller.</summary>
    public static IEnumerable<FieldError> OwnerReferences(JsonObject meta)
    {
        if (meta["ownerReferences"] is not JsonArray refs) yield break;
        var controllers = 0;
        foreach (var r in refs.OfType<JsonObject>())
        {
            var apiVersion = r.Str("apiVersion") ?? "";
            if (apiVersion.Length == 0 || apiVersion.EndsWith('/'))
                yield return FieldError.Invalid("metadata.ownerReferences.apiVersion", FieldError.Quote(apiVersion), "version must not be empty");
            if (string.IsNullOrEmpty(r.Str("kind")))
                yield return FieldError.Invalid("metadata.ownerReferences.kind", "\"\"", "kind must not be empty");
            if (string.IsNullOrEmpty(r.Str("name")))
                yield return FieldError.Invalid("metadata.ownerReferences.name", "\"\"", "name must not be empty");
            if (string.IsNullOrEmpty(r.Str("uid")))
                yield return FieldError.Invalid("metadata.ownerReferences.uid", "\"\"", "uid must not be empty");
            if (r["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController) controllers++;
        }
        if (controllers > 1)
            yield return FieldError.Invalid("metadata.ownerReferences", refs.ToJsonString(), "Only one reference can have Controller set to true");
    }

    private static IEnumerable<FieldError> QualifiedKey(string key, string path)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix))
                yield return FieldError.Invalid(path, FieldError.Quote(key), "prefix part " + SubdomainMsg);
        }
        if (name.Length == 0 || name.Length > 63 || !QualifiedName().IsMatch(name))
            yield return FieldError.Invalid(path, FieldError.Quote(key), QualifiedNameMsg);
    }
}
