namespace DBackup.DevCluster.Tables;

/// <summary>The Table request's <c>includeObject</c> parameter: what each row's <c>object</c> holds.</summary>
internal enum IncludeObjectPolicy
{
    /// <summary>No object (<c>includeObject=None</c>).</summary>
    None,

    /// <summary>A <c>PartialObjectMetadata</c> (the default, and what kubectl asks for).</summary>
    Metadata,

    /// <summary>The full object (<c>includeObject=Object</c>).</summary>
    Object,
}
