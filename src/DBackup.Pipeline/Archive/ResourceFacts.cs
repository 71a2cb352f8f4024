using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Archive;

/// <summary>What a backup's manifest establishes about one resource.</summary>
/// <param name="Group">API group; empty for core.</param>
/// <param name="Resource">Plural resource name.</param>
/// <param name="Scope">Scope, as every entry path of the resource agrees.</param>
/// <param name="Kind">Kind, when declared by the manifest or known from the built-in table.</param>
internal sealed record ResourceFacts(string Group, string Resource, ResourceScope Scope, string? Kind);
