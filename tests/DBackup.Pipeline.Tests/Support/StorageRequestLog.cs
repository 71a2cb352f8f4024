using Amazon.Runtime;

namespace DBackup.Pipeline.Tests.Support;

/// <summary>An SDK HttpClientFactory that records every request line, to see what the destination sent.</summary>
public sealed class StorageRequestLog : HttpClientFactory, IDisposable
{
    private readonly List<string> requests = [];
    private readonly HttpClient client;

    public StorageRequestLog() => client = new HttpClient(new Recorder(this, new HttpClientHandler()));

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => client;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => client.Dispose();

    private sealed class Recorder(StorageRequestLog log, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (log.requests)
            {
                log.requests.Add($"{request.Method} {request.RequestUri?.PathAndQuery} {(int)response.StatusCode}");
            }

            return response;
        }
    }
}
