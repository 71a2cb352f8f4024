namespace DBackup.Operator.Tests.Demo;

/// <summary>The demo tests redirect the process' console; they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DemoCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Demo (process console)";
}
