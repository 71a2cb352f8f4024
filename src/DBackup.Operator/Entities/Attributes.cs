namespace DBackup.Operator.Entities;

/// <summary>A column shown by <c>kubectl get</c> (CRD <c>additionalPrinterColumns</c>).</summary>
/// <param name="name">Column header.</param>
/// <param name="type">OpenAPI type: string, integer, number, boolean or date.</param>
/// <param name="jsonPath">JSONPath into the object, e.g. <c>.spec.schedule</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    /// <summary>Column header.</summary>
    public string Name { get; } = name;

    /// <summary>OpenAPI type.</summary>
    public string Type { get; } = type;

    /// <summary>JSONPath into the object.</summary>
    public string JsonPath { get; } = jsonPath;

    /// <summary>0 shows always; higher only with <c>-o wide</c>.</summary>
    public int Priority { get; init; }
}

/// <summary>Short names for <c>kubectl get</c>.</summary>
/// <param name="names">The short names.</param>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortNamesAttribute(params string[] names) : Attribute
{
    /// <summary>The short names.</summary>
    public IReadOnlyList<string> Names { get; } = names;
}

/// <summary>A CEL rule (<c>x-kubernetes-validations</c>) checked by the API server on the annotated type.</summary>
/// <param name="rule">The CEL expression.</param>
/// <param name="message">Message shown when the rule is false.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class ValidationRuleAttribute(string rule, string message) : Attribute
{
    /// <summary>The CEL expression.</summary>
    public string Rule { get; } = rule;

    /// <summary>Message shown when the rule is false.</summary>
    public string Message { get; } = message;
}

/// <summary>Default value the API server fills in, as JSON text (e.g. <c>"Merge"</c> or <c>true</c>).</summary>
/// <param name="json">The default, as JSON.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(string json) : Attribute
{
    /// <summary>The default, as JSON.</summary>
    public string Json { get; } = json;
}
