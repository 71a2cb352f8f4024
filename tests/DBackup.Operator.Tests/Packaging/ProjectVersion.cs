using System.Xml.Linq;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>The operator's version, from Directory.Build.props: what `dbackup --version`, the chart and the image tag say.</summary>
internal static class ProjectVersion
{
    public static string Value { get; } =
        XDocument.Load(RepoPaths.Of("Directory.Build.props")).Descendants("Version").Single().Value;
}
