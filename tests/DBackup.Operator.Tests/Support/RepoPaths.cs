namespace DBackup.Operator.Tests.Support;

/// <summary>Paths inside the repository the tests run from (config/crd, config/samples …).</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding DBackup.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path below the repository root.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DBackup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("DBackup.sln not found above " + AppContext.BaseDirectory);
    }
}
