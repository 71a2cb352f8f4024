using System.Reflection;
using DBackup.Operator.Entities;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Crds;

/// <summary>
/// Generates the CustomResourceDefinitions of <c>config/crd</c> from the entity types: schema,
/// descriptions (XML docs), validation, defaults, CEL rules, status subresource, printer columns,
/// short names and the <c>dbackup</c> category. A golden test keeps the committed YAML in step.
/// </summary>
public static class CrdGenerator
{
    /// <summary>The entity types that become CRDs.</summary>
    public static IReadOnlyList<Type> EntityTypes { get; } = [typeof(EncryptionProfileRef), typeof(MetaBackupPolicy), typeof(MetaBackupRestore)];

    /// <summary>Builds one CRD per entity type.</summary>
    public static IReadOnlyList<V1CustomResourceDefinition> Generate()
    {
        var docs = XmlDocs.For(typeof(CrdGenerator).Assembly);
        var mapper = new SchemaMapper(docs);
        return EntityTypes.Select(t => Generate(t, mapper, docs)).ToList();
    }

    /// <summary>The file name of a CRD in <c>config/crd</c>: <c>&lt;group&gt;_&lt;plural&gt;.yaml</c>.</summary>
    public static string FileName(V1CustomResourceDefinition crd) => $"{crd.Spec.Group}_{crd.Spec.Names.Plural}.yaml";

    /// <summary>Serializes a CRD to YAML, with a header naming the generator.</summary>
    public static string ToYaml(V1CustomResourceDefinition crd) =>
        "# Generated from src/DBackup.Operator/Entities by CrdGenerator; do not edit.\n" +
        "# Regenerate: DBACKUP_UPDATE_CRDS=1 dotnet test tests/DBackup.Operator.Tests --filter CrdManifestTests\n" +
        KubernetesYaml.Serialize(crd);

    private static V1CustomResourceDefinition Generate(Type type, SchemaMapper mapper, XmlDocs docs)
    {
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} lacks [KubernetesEntity]");
        var specType = type.GetProperty("Spec")!.PropertyType;
        var statusType = type.GetProperty("Status")!.PropertyType;
        var root = new V1JSONSchemaProps
        {
            Type = "object",
            Description = docs.Of(type),
            Properties = new Dictionary<string, V1JSONSchemaProps>
            {
                ["apiVersion"] = new() { Type = "string", Description = "APIVersion defines the versioned schema of this representation of an object." },
                ["kind"] = new() { Type = "string", Description = "Kind is a string value representing the REST resource this object represents." },
                ["metadata"] = new() { Type = "object" },
                ["spec"] = mapper.Map(specType),
                ["status"] = mapper.Map(statusType),
            },
            Required = ["spec"],
        };

        var columns = type.GetCustomAttributes<PrinterColumnAttribute>()
            .Select(c => new V1CustomResourceColumnDefinition { Name = c.Name, Type = c.Type, JsonPath = c.JsonPath, Priority = c.Priority == 0 ? null : c.Priority })
            .ToList();
        var plural = entity.PluralName;
        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{plural}.{entity.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = plural,
                    Singular = entity.Kind.ToLowerInvariant(),
                    ShortNames = type.GetCustomAttribute<ShortNamesAttribute>()?.Names.ToList(),
                    Categories = [ApiGroup.Category],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = entity.ApiVersion,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = root },
                        Subresources = new V1CustomResourceSubresources { Status = new object() },
                        AdditionalPrinterColumns = columns.Count > 0 ? columns : null,
                    },
                ],
            },
        };
    }
}
