namespace DBackup.DevCluster.Patch;

/// <summary>
/// A patch that cannot be applied; the server turns it into a Kubernetes Status with
/// <see cref="StatusCode"/>, <see cref="Reason"/> and <see cref="Exception.Message"/>.
/// </summary>
/// <param name="statusCode">HTTP status: 400 undecodable patch, 413 too many operations, 415 unsupported patch type, 422 inapplicable patch.</param>
/// <param name="message">The Status message, worded like kube-apiserver's.</param>
internal sealed class PatchException(int statusCode, string message) : Exception(message)
{
    /// <summary>HTTP status code to answer with.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The Status <c>reason</c> matching <see cref="StatusCode"/>.</summary>
    public string Reason => StatusCode switch
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
}
