using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Untyped JSON access to any API path, for what the generated client cannot express: discovery of
/// arbitrary groups and paged lists of any resource, custom or built-in. Authentication goes through
/// the client's own credentials, and throttling (429) and transient server errors are retried with the
/// server's Retry-After or exponential backoff, as client-go does.
/// </summary>
public sealed class KubeApi(k8s.Kubernetes client, TimeProvider? time = null)
{
    private const int MaxAttempts = 6;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The API server's base URI.</summary>
    public Uri BaseUri => client.BaseUri;

    /// <summary>GETs a path (with query) and parses the JSON body.</summary>
    /// <exception cref="KubeApiException">The server answered with an error status after retries.</exception>
    public Task<JsonDocument> GetAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, pathAndQuery, null, cancellationToken);

    /// <summary>GETs a path (with query) and returns the raw body, for one-pass parsing of large answers (list pages).</summary>
    /// <exception cref="KubeApiException">The server answered with an error status after retries.</exception>
    public Task<ResponseBody> GetBodyAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendCoreAsync(HttpMethod.Get, pathAndQuery, null, (response, ct) => ResponseBody.ReadAsync(response.Content, ct), cancellationToken);

    /// <summary>POSTs (creates) an object and returns what the server stored.</summary>
    /// <exception cref="KubeApiException">The server refused, e.g. 409 AlreadyExists or 422 Invalid.</exception>
    public Task<JsonDocument> PostAsync(string pathAndQuery, JsonNode body, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Post, pathAndQuery, body, cancellationToken);

    /// <summary>PUTs (replaces) an object; the body must carry the resourceVersion it replaces.</summary>
    /// <exception cref="KubeApiException">The server refused, e.g. 409 Conflict on a stale resourceVersion.</exception>
    public Task<JsonDocument> PutAsync(string pathAndQuery, JsonNode body, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Put, pathAndQuery, body, cancellationToken);

    /// <summary>
    /// Sends an already serialised JSON body (a restore keeps objects as UTF-8 bytes) and discards the answer's body,
    /// which saves parsing thousands of responses nobody reads. Retries as the other calls do.
    /// </summary>
    /// <param name="method">POST (create) or PUT (replace).</param>
    /// <param name="pathAndQuery">The path, with <c>?dryRun=All</c> or other query parameters as needed.</param>
    /// <param name="body">The UTF-8 JSON object.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="KubeApiException">The server refused, e.g. 409 AlreadyExists or 422 Invalid.</exception>
    public Task SendAsync(HttpMethod method, string pathAndQuery, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendCoreAsync(method, pathAndQuery, () => new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            async (response, ct) =>
            {
                // Read to the end, so the connection goes back to the pool.
                await response.Content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken);

    private Task<JsonDocument> SendJsonAsync(HttpMethod method, string pathAndQuery, JsonNode? body, CancellationToken cancellationToken) =>
        SendCoreAsync(method, pathAndQuery,
            body is null ? null : () => new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            async (response, ct) =>
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                return await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
            }, cancellationToken);

    private async Task<T> SendCoreAsync<T>(HttpMethod method, string pathAndQuery, Func<HttpContent>? content,
        Func<HttpResponseMessage, CancellationToken, Task<T>> onSuccess, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(client.BaseUri, pathAndQuery));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (content is not null)
            {
                request.Content = content();
            }

            if (client.Credentials is not null)
            {
                await client.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            try
            {
                response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < MaxAttempts && method == HttpMethod.Get)
            {
                // Connection resets are transient for an API server behind a load balancer; only reads
                // are repeated blindly, since a write may have been applied before the connection broke.
                await DelayAsync(attempt, null, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return await onSuccess(response, cancellationToken).ConfigureAwait(false);
                }

                if (IsRetryable(method, response.StatusCode) && attempt < MaxAttempts)
                {
                    await DelayAsync(attempt, response.Headers.RetryAfter, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw await KubeApiException.FromResponseAsync(method, pathAndQuery, response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Throttling is always safe to repeat: the server did nothing. Server errors are repeated for
    /// reads only, because a failed write may still have been applied.
    /// </summary>
    private static bool IsRetryable(HttpMethod method, HttpStatusCode code) =>
        code == HttpStatusCode.TooManyRequests
        || (method == HttpMethod.Get && code is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout);

    private Task DelayAsync(int attempt, RetryConditionHeaderValue? retryAfter, CancellationToken cancellationToken)
    {
        var delay = retryAfter?.Delta
            ?? TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, attempt - 1), 5_000) + Random.Shared.Next(0, 100));
        if (delay > TimeSpan.FromSeconds(30))
        {
            delay = TimeSpan.FromSeconds(30);
        }

        return Task.Delay(delay, _time, cancellationToken);
    }
}

/// <summary>An error answer of the API server, carrying its <c>Status</c> reason and message.</summary>
public sealed class KubeApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KubeApiException(int statusCode, string? reason, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The Status reason, e.g. <c>NotFound</c>, <c>Forbidden</c>, <c>Expired</c>.</summary>
    public string? Reason { get; }

    internal static async Task<KubeApiException> FromResponseAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        string? reason = null;
        var message = $"{method} {path}: HTTP {code}";
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (JsonNode.Parse(text) is JsonObject status && status["kind"]?.GetValue<string>() == "Status")
            {
                reason = status["reason"]?.GetValue<string>();
                message = $"{method} {path}: {status["message"]?.GetValue<string>() ?? reason ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            }
        }
        catch (JsonException)
        {
            // Not a Status body (a proxy's HTML page, say): the status code alone must do.
        }

        return new KubeApiException(code, reason, message);
    }
}
