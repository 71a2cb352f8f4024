namespace DBackup.Operator.Tests.Docs;

/// <summary>The README's set-up section is exactly the two commands a fresh machine runs: the demo and the tests.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void SetUp_IsExactlyTheDemoAndTheTestCommand()
    {
        var text = DocFiles.Read("README.md");
        var section = text[text.IndexOf("## Set up on a fresh machine", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var commands = DocFiles.Code(section).Where(c => !c.IsSpan)
            .Select(c => c.Code.Split('#')[0].Trim())
            .Where(c => c.Length > 0)
            .ToList();

        Assert.Equal(["dotnet run --project src/DBackup.Operator -- demo --exit", "bash scripts/test.sh"], commands);
    }
}
