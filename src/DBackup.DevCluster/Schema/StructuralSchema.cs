using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// A CRD version's structural schema (<c>openAPIV3Schema</c>) applied to custom resources the
/// way apiextensions-apiserver does on create/update: prune unknown fields, drop non-nullable
/// nulls that have no default, apply defaults, then validate.
/// </summary>
/// <remarks>
/// <para>At the resource root <c>apiVersion</c>, <c>kind</c> and <c>metadata</c> are never pruned by
/// the schema, and neither are they inside <c>x-kubernetes-embedded-resource</c> objects; like the
/// real server's ObjectMeta round-trip, fields ObjectMeta does not know are dropped from
/// <c>metadata</c>. Only <c>metadata.name</c>/<c>generateName</c> are validated against the schema
/// (the server validates the rest of ObjectMeta itself).</para>
/// <para>Not emulated: <c>x-kubernetes-validations</c> (CEL rules are ignored, not evaluated),
/// ratcheting of unchanged invalid values on update, range checks for <c>format: int32/int64</c>
/// (the real validator does not check them either), and <c>x-kubernetes-list-type: set/map</c>
/// uniqueness is checked (as the real server does) but list-map key presence is not.</para>
/// </remarks>
internal sealed class StructuralSchema
{
    private static readonly HashSet<string> MetaFields = new(StringComparer.Ordinal) { "apiVersion", "kind", "metadata" };

    private readonly SchemaNode _root;

    private StructuralSchema(SchemaNode root) => _root = root;

    /// <summary>Parses an <c>openAPIV3Schema</c> node (the value of <c>spec.versions[].schema.openAPIV3Schema</c>).</summary>
    public static StructuralSchema FromOpenApiV3(JsonNode schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new StructuralSchema(SchemaNode.Parse(schema));
    }

    /// <summary>
    /// The structural-schema errors a real apiserver rejects a v1 CRD with, e.g.
    /// <c>spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields</c>;
    /// empty when the schema is structural. Sorted like the apiserver sorts them.
    /// </summary>
    /// <param name="schema">The openAPIV3Schema node.</param>
    /// <param name="path">Its field path, e.g. <c>spec.versions[0].schema.openAPIV3Schema</c>.</param>
    public static IReadOnlyList<FieldError> ValidateStructural(JsonNode schema, string path)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return StructuralChecks.Validate(schema, path ?? "");
    }

    /// <summary>
    /// Prunes, defaults and validates <paramref name="obj"/> in place, in the apiserver's order
    /// (prune, drop non-defaultable non-nullable nulls, default, validate).
    /// </summary>
    /// <param name="obj">The whole custom resource; mutated.</param>
    /// <param name="statusOnly">For <c>/status</c> writes: only the <c>status</c> subtree is touched.</param>
    /// <returns>Validation errors; empty when the object is valid.</returns>
    public IReadOnlyList<FieldError> PruneDefaultValidate(JsonObject obj, bool statusOnly = false)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new List<FieldError>();
        if (statusOnly)
        {
            PruneDefaultValidateStatus(obj, errors);
            return errors;
        }

        Prune(obj, _root, "", null, isRoot: true);
        Defaulting.PruneNulls(obj, _root);
        Defaulting.Apply(obj, _root);
        new SchemaValidator(errors).ValidateRoot(obj, _root);
        return errors;
    }

    private void PruneDefaultValidateStatus(JsonObject obj, List<FieldError> errors)
    {
        if (!obj.TryGetPropertyValue("status", out var status))
        {
            return;
        }

        if (!_root.Properties.TryGetValue("status", out var statusSchema))
        {
            if (!_root.KeepsUnknownFields)
            {
                obj.Remove("status");
            }

            return;
        }

        // Detach the subtree so the same root-level algorithms run on { status: ... } alone.
        obj.Remove("status");
        var holder = new JsonObject { ["status"] = status };
        var wrapper = WrapperFor("status", statusSchema);
        Prune(holder, wrapper, "", null, isRoot: false);
        Defaulting.PruneNulls(holder, wrapper);
        Defaulting.Apply(holder, wrapper);
        if (holder.TryGetPropertyValue("status", out var result))
        {
            holder.Remove("status");
            obj["status"] = result;
            new SchemaValidator(errors).Validate(result, statusSchema, "status");
        }
    }

    /// <summary>
    /// Paths of fields that pruning would drop (e.g. <c>spec.foo</c>, <c>spec.items[1].bar</c>), sorted;
    /// used for <c>fieldValidation=Strict|Warn</c> before <see cref="PruneDefaultValidate"/>. Does not mutate.
    /// </summary>
    public IReadOnlyList<string> UnknownFields(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var unknown = new List<string>();
        Prune((JsonObject)obj.DeepClone(), _root, "", unknown, isRoot: true);
        unknown.Sort(StringComparer.Ordinal);
        return unknown;
    }

    private static SchemaNode WrapperFor(string name, SchemaNode child)
    {
        var wrapper = SchemaNode.Parse(new JsonObject { ["type"] = "object" });
        wrapper.Properties[name] = child;
        return wrapper;
    }

    private static string Child(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;

    // preserved: items of an array under x-kubernetes-preserve-unknown-fields keep their unknown
    // fields too (and, without a schema, everything), like Go's skipPrune.
    internal static void Prune(JsonNode? x, SchemaNode? s, string path, List<string>? unknown, bool isRoot, bool preserved = false)
    {
        if (s is null && preserved)
        {
            return;
        }

        var embedded = isRoot || s?.EmbeddedResource == true;
        var keepUnknown = preserved || s?.KeepsUnknownFields == true;
        switch (x)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (embedded && MetaFields.Contains(key))
                    {
                        if (key == "metadata" && value is JsonObject metadata)
                        {
                            ObjectMetaFields.Prune(metadata, Child(path, key), unknown);
                        }

                        continue;
                    }

                    if (s is not null && s.Properties.TryGetValue(key, out var prop))
                    {
                        Prune(value, prop, Child(path, key), unknown, false);
                    }
                    else if (s?.AdditionalProperties is { } ap)
                    {
                        Prune(value, ap, Child(path, key), unknown, false);
                    }
                    else if (!keepUnknown)
                    {
                        unknown?.Add(Child(path, key));
                        o.Remove(key);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Prune(a[i], s?.Items, $"{path}[{i}]", unknown, false, keepUnknown);
                }

                break;
        }
    }
}
