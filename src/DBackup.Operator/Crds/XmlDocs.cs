using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DBackup.Operator.Crds;

/// <summary>
/// Reads the XML documentation file the build emits beside the assembly, so a type's or property's
/// <c>&lt;summary&gt;</c> becomes its CRD description: one source of truth, as CNPG gets from Go comments.
/// </summary>
internal sealed partial class XmlDocs
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocs(Dictionary<string, string> summaries) => _summaries = summaries;

    public static XmlDocs For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"XML documentation file '{path}' is missing; the CRD descriptions come from it (GenerateDocumentationFile must be on).", path);
        }

        var summaries = XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name") is not null && m.Element("summary") is not null)
            .ToDictionary(m => m.Attribute("name")!.Value, m => Clean(m.Element("summary")!));
        return new XmlDocs(summaries);
    }

    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + type.FullName);

    public string? Of(PropertyInfo property) =>
        _summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static string Clean(XElement summary)
    {
        // <c>x</c> and <see cref="T:A.B"/> become plain text; whitespace collapses to single spaces.
        foreach (var see in summary.Descendants("see").ToList())
        {
            var target = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? string.Empty;
            see.ReplaceWith(target[(target.LastIndexOf('.') + 1)..]);
        }

        return Whitespace().Replace(string.Concat(summary.Nodes().Select(n => n is XElement e ? e.Value : n.ToString())), " ")
            .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal)
            .Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
