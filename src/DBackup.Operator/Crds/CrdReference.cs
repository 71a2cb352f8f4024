using System.Globalization;
using System.Text;
using k8s.Models;

namespace DBackup.Operator.Crds;

/// <summary>
/// Writes <c>docs/crd-reference.md</c> from the CRDs <see cref="CrdGenerator"/> builds: the same schema,
/// descriptions (XML docs), defaults, validation and CEL rules, so the reference cannot say what the API
/// server does not enforce. A golden test keeps the committed file in step.
/// </summary>
internal static class CrdReference
{
    /// <summary>The reference's path below the repository root.</summary>
    public const string RelativePath = "docs/crd-reference.md";

    /// <summary>Renders the reference for the given CRDs (normally <see cref="CrdGenerator.Generate()"/>).</summary>
    public static string Render(IReadOnlyList<V1CustomResourceDefinition> crds)
    {
        var md = new StringBuilder();
        md.Append("# Custom resource reference\n\n")
            .Append("<!-- Generated from src/DBackup.Operator/Entities by CrdReference; do not edit.\n")
            .Append("     Regenerate: DBACKUP_UPDATE_CRDS=1 dotnet test tests/DBackup.Operator.Tests --filter CrdManifestTests -->\n\n")
            .Append("Every kind is namespaced, in API group `").Append(crds[0].Spec.Group).Append("`, version `")
            .Append(crds[0].Spec.Versions[0].Name).Append("`, category `dbackup` (`kubectl get dbackup` lists them all). ")
            .Append("Field descriptions are the C# doc comments of the entity types, the same text `kubectl explain` shows.\n\n");
        foreach (var crd in crds)
        {
            md.Append("- [").Append(crd.Spec.Names.Kind).Append("](#").Append(crd.Spec.Names.Kind.ToLowerInvariant()).Append(")\n");
        }

        foreach (var crd in crds)
        {
            RenderKind(md, crd);
        }

        return md.ToString();
    }

    private static void RenderKind(StringBuilder md, V1CustomResourceDefinition crd)
    {
        var version = crd.Spec.Versions[0];
        var root = version.Schema.OpenAPIV3Schema;
        md.Append("\n## ").Append(crd.Spec.Names.Kind).Append("\n\n")
            .Append(Text(root.Description)).Append("\n\n")
            .Append("`apiVersion: ").Append(crd.Spec.Group).Append('/').Append(version.Name).Append("` · plural `")
            .Append(crd.Spec.Names.Plural).Append('`');
        if (crd.Spec.Names.ShortNames is { Count: > 0 } shortNames)
        {
            md.Append(" · short name ").Append(string.Join(", ", shortNames.Select(s => $"`{s}`")));
        }

        md.Append(" · status subresource\n");
        if (version.AdditionalPrinterColumns is { Count: > 0 } columns)
        {
            md.Append("\n`kubectl get` columns: ").Append(string.Join(", ", columns.Select(c => $"{c.Name} (`{c.JsonPath}`)"))).Append(".\n");
        }

        foreach (var part in new[] { "spec", "status" })
        {
            var schema = root.Properties[part];
            md.Append("\n### ").Append(part).Append("\n\n");
            AppendRules(md, schema, part);
            md.Append("| field | type | description |\n|---|---|---|\n");
            Fields(md, schema, part);
        }
    }

    private static void Fields(StringBuilder md, V1JSONSchemaProps schema, string path)
    {
        if (schema.Properties is null)
        {
            return;
        }

        foreach (var (name, child) in schema.Properties)
        {
            var childPath = $"{path}.{name}";
            var required = schema.Required?.Contains(name) == true;
            md.Append("| `").Append(childPath).Append("` | ").Append(TypeOf(child)).Append(" | ")
                .Append(Describe(child, required, childPath)).Append(" |\n");
            if (child.Items is V1JSONSchemaProps items && items.Properties is not null && !IsCondition(childPath))
            {
                Fields(md, items, childPath + "[]");
            }
            else if (child.Properties is not null)
            {
                Fields(md, child, childPath);
            }
        }
    }

    private static string Describe(V1JSONSchemaProps schema, bool required, string path)
    {
        var parts = new List<string>();
        if (required)
        {
            parts.Add("**Required.**");
        }

        var items = schema.Items as V1JSONSchemaProps;
        parts.Add(Text(schema.Description ?? (IsCondition(path) ? "Standard Kubernetes conditions (`type`, `status`, `reason`, `message`, `lastTransitionTime`, `observedGeneration`)." : string.Empty)));
        if (schema.DefaultProperty is { } value)
        {
            parts.Add($"Default: `{Scalar(value)}`.");
        }

        if ((schema.EnumProperty ?? items?.EnumProperty) is { Count: > 0 } values)
        {
            parts.Add("One of " + string.Join(", ", values.Select(v => $"`{v}`")) + ".");
        }

        if (schema.Pattern is { } pattern)
        {
            parts.Add($"Pattern `{Cell(pattern)}`.");
        }

        AddBounds(parts, "length", schema.MinLength, schema.MaxLength);
        AddBounds(parts, "items", schema.MinItems, schema.MaxItems);
        if (schema.Minimum is { } min)
        {
            parts.Add($"Minimum {Scalar(min)}.");
        }

        if (schema.Maximum is { } max)
        {
            parts.Add($"Maximum {Scalar(max)}.");
        }

        foreach (var rule in schema.XKubernetesValidations ?? [])
        {
            parts.Add($"Rule: {Text(rule.Message)} (`{Cell(rule.Rule)}`).");
        }

        return string.Join(" ", parts.Where(p => p.Length > 0));
    }

    private static void AddBounds(List<string> parts, string what, long? min, long? max)
    {
        if (min is { } lo)
        {
            parts.Add($"Min {what} {lo}.");
        }

        if (max is { } hi)
        {
            parts.Add($"Max {what} {hi}.");
        }
    }

    private static void AppendRules(StringBuilder md, V1JSONSchemaProps schema, string part)
    {
        foreach (var rule in schema.XKubernetesValidations ?? [])
        {
            md.Append("Rule on `").Append(part).Append("`: ").Append(Text(rule.Message)).Append(" (`").Append(Cell(rule.Rule)).Append("`).\n\n");
        }
    }

    private static string TypeOf(V1JSONSchemaProps schema) => schema.Type switch
    {
        "array" when schema.Items is V1JSONSchemaProps items => $"[]{TypeOf(items)}",
        "object" when schema.AdditionalProperties is V1JSONSchemaProps values => $"map[string]{TypeOf(values)}",
        "integer" => schema.Format == "int64" ? "integer (int64)" : "integer",
        "string" when schema.Format == "date-time" => "string (date-time)",
        var type => type ?? "any",
    };

    private static bool IsCondition(string path) => path.EndsWith(".conditions", StringComparison.Ordinal);

    private static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("0.##", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // Doc comments are plain text: "<prefix>/<policy>" must not become an HTML tag, "* * *" not emphasis.
    private static string Text(string? text) => Cell((text ?? string.Empty)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal));

    // A table cell ends at a pipe; an escaped pipe keeps CEL's "||" intact.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
