using System.Text.Json.Nodes;
using DBackup.DevCluster.Schema;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// Event validation: the involved/regarding object must live in the event's namespace, the type is Normal or
/// Warning, and events.k8s.io/v1 requires its reporting fields.
/// </summary>
internal sealed class EventBehavior(bool eventsApi) : ResourceBehavior
{
    public override IEnumerable<FieldError> Validate(JsonObject obj)
    {
        var refField = eventsApi ? "regarding" : "involvedObject";
        var refNs = obj[refField].Str("namespace");
        if (!string.IsNullOrEmpty(refNs) && refNs != obj.Namespace())
            yield return FieldError.Invalid($"{refField}.namespace", FieldError.Quote(refNs), "does not match event.namespace");
        var type = obj.Str("type");
        if ((eventsApi || !string.IsNullOrEmpty(type)) && type is not ("Normal" or "Warning"))
            yield return FieldError.NotSupported("type", type is null ? null : JsonValue.Create(type), ["Normal", "Warning"]);
        if (!eventsApi) yield break;
        foreach (var required in new[] { "eventTime", "reportingController", "reportingInstance", "action", "reason" })
        {
            if (obj[required] is null || obj.Str(required) == "") yield return FieldError.Required(required);
        }
    }
}
