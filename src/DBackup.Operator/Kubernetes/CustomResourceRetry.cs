using System.Net;
using k8s.Autorest;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Retries one API call on throttling (429), transient server errors (500, 502, 503, 504) and dropped
/// connections, honouring Retry-After, as client-go does. Conflicts and client errors are not retried here:
/// they need a fresh read first.
/// </summary>
internal static class CustomResourceRetry
{
    private const int MaxAttempts = 6;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (attempt < MaxAttempts && IsTransient(e.Response.StatusCode))
            {
                await Task.Delay(Delay(attempt, RetryAfter(e)), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Delay(attempt, null), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static bool IsTransient(HttpStatusCode code) =>
        code is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    internal static TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        var delay = retryAfter
            ?? TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, attempt - 1), 5_000) + Random.Shared.Next(0, 100));
        return delay > MaxDelay ? MaxDelay : delay;
    }

    private static TimeSpan? RetryAfter(HttpOperationException e)
    {
        if (e.Response.Headers.TryGetValue("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }
}
