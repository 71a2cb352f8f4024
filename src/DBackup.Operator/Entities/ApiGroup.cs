namespace DBackup.Operator.Entities;

/// <summary>Group, version, kinds and plurals of the dbackup.io API (like CNPG's groupversion_info.go).</summary>
public static class ApiGroup
{
    /// <summary>API group.</summary>
    public const string Group = "dbackup.io";

    /// <summary>Served and stored version.</summary>
    public const string Version = "v1alpha1";

    /// <summary><c>dbackup.io/v1alpha1</c>.</summary>
    public const string ApiVersion = Group + "/" + Version;

    /// <summary>Category shared by all our kinds (<c>kubectl get dbackup</c>).</summary>
    public const string Category = "dbackup";

    /// <summary>Kind of <see cref="EncryptionProfileRef"/>.</summary>
    public const string EncryptionProfileRefKind = "EncryptionProfileRef";

    /// <summary>Plural of <see cref="EncryptionProfileRef"/>.</summary>
    public const string EncryptionProfileRefPlural = "encryptionprofilerefs";

    /// <summary>Kind of <see cref="MetaBackupPolicy"/>.</summary>
    public const string MetaBackupPolicyKind = "MetaBackupPolicy";

    /// <summary>Plural of <see cref="MetaBackupPolicy"/>.</summary>
    public const string MetaBackupPolicyPlural = "metabackuppolicies";

    /// <summary>Kind of <see cref="MetaBackupRestore"/>.</summary>
    public const string MetaBackupRestoreKind = "MetaBackupRestore";

    /// <summary>Plural of <see cref="MetaBackupRestore"/>.</summary>
    public const string MetaBackupRestorePlural = "metabackuprestores";

    /// <summary>Annotation whose every new value triggers one manual backup run.</summary>
    public const string RunNowAnnotation = "dbackup.io/run-now";

    /// <summary>Label (and annotation) set on objects whose Secret values were replaced by a placeholder.</summary>
    public const string RedactedLabel = "dbackup.io/redacted";
}
