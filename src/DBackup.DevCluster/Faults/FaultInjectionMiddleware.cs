using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Faults;

/// <summary>
/// Applies <see cref="FaultInjector"/> rules to requests; register it first in the pipeline
/// (<see cref="FaultInjectionExtensions.UseFaultInjection"/>) so faults hit before any handler.
/// </summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, FaultInjector injector)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (injector.Match(context.Request) is not { } rule)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (rule.Latency is { } latency && latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (rule.ResetConnection)
        {
            context.Abort();
            return;
        }

        if (rule.StatusCode is not { } code)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var retryAfter = rule.RetryAfter is { } r ? (int)Math.Ceiling(r.TotalSeconds) : (int?)null;
        if (code == StatusCodes.Status429TooManyRequests && retryAfter is null)
        {
            // The apiserver's max-in-flight filter always asks clients to come back after a second.
            retryAfter = 1;
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsync(StatusBody(code, retryAfter).ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The Kubernetes Status the apiserver sends for <paramref name="code"/>.</summary>
    internal static JsonObject StatusBody(int code, int? retryAfterSeconds)
    {
        var (reason, message) = code switch
        {
            400 => ("BadRequest", "injected fault: bad request"),
            401 => ("Unauthorized", "Unauthorized"),
            403 => ("Forbidden", "injected fault: forbidden"),
            404 => ("NotFound", "the server could not find the requested resource"),
            409 => ("Conflict", "injected fault: the object has been modified; please apply your changes to the latest version and try again"),
            410 => ("Expired", "too old resource version"),
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            500 => ("InternalError", "Internal error occurred: injected fault"),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request"),
            504 => ("Timeout", "Timeout: request did not complete within requested timeout - context deadline exceeded"),
            _ => ("", $"injected fault: HTTP {code}"),
        };

        var details = retryAfterSeconds is { } seconds ? new JsonObject { ["retryAfterSeconds"] = seconds } : null;
        return new Http.ApiException(code, reason, message, details).ToStatus();
    }
}

/// <summary>Registers <see cref="FaultInjectionMiddleware"/>.</summary>
internal static class FaultInjectionExtensions
{
    /// <summary>Adds fault injection; call it before any other middleware.</summary>
    public static IApplicationBuilder UseFaultInjection(this IApplicationBuilder app, FaultInjector injector)
    {
        ArgumentNullException.ThrowIfNull(injector);
        return app.UseMiddleware<FaultInjectionMiddleware>(injector);
    }
}
