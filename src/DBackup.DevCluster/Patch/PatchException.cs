namespace DBackup.DevCluster.Patch;

/// <summary>
/// A patch that cannot be applied; the server turns it into a Kubernetes Status with
/// <see cref="StatusCode"/>, <see cref="Reason"/> and <see cref="Exception.Message"/>.
/// </summary>
/// <param name="statusCode">HTTP status: 400 undecodable patch, 413 too many operations, 415 unsupported patch type, 422 inapplicable patch.</param>
/// <param name="message">The Status message, worded like kube-apiserver's.</param>
/// <param name="reason">
/// The Status reason when it is not the usual one for the code; "" (StatusReasonUnknown) for the
/// raw strategic-merge errors the apiserver reports as plain 500s.
/// </param>
internal sealed class PatchException(int statusCode, string message, string? reason = null) : Exception(message)
{
    /// <summary>HTTP status code to answer with.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The Status <c>reason</c> matching <see cref="StatusCode"/>.</summary>
    public string Reason => reason ?? StatusCode switch
    {
        400 => "BadRequest",
        409 => "Conflict",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        _ => "InternalError",
    };

    internal static PatchException BadRequest(string message) => new(400, message);

    internal static PatchException Unprocessable(string message) => new(422, message);

    /// <summary>A non-Status error from strategicpatch: the apiserver answers 500 with reason Unknown.</summary>
    internal static PatchException Unknown(string message) => new(500, message, "");
}
