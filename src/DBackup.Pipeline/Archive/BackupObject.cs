namespace DBackup.Pipeline.Archive;

/// <summary>One API object as stored in a backup: its identity and its JSON body (UTF-8).</summary>
/// <param name="Ref">Identity and archive path of the object.</param>
/// <param name="Json">The object as a JSON document; its <c>apiVersion</c>, <c>kind</c>, <c>metadata.name</c>
/// and <c>metadata.namespace</c> must agree with <paramref name="Ref"/>.</param>
public sealed record BackupObject(ObjectRef Ref, ReadOnlyMemory<byte> Json);
