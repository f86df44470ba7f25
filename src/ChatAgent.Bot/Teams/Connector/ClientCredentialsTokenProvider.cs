using System.Text.Json;

namespace ChatAgent.Bot.Teams.Connector;

/// <summary>
/// Client credentials by a plain OAuth 2.0 POST to <c>Teams:TokenEndpoint</c> (used when that is set: MSAL insists on
/// https authorities it recognises, so a local or custom endpoint goes through this). Cached until 5 minutes before
/// it expires; one refresh at a time.
/// </summary>
public sealed class ClientCredentialsTokenProvider(TeamsOptions options, HttpClient http, TimeProvider time) : IBotTokenProvider
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _refreshAt;

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && time.GetUtcNow() < _refreshAt) return _token;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is not null && time.GetUtcNow() < _refreshAt) return _token;
            using var response = await http.PostAsync(options.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.AppId!,
                ["client_secret"] = options.AppPassword ?? "",
                ["scope"] = TeamsOptions.ConnectorScope,
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var token = body.RootElement.GetProperty("access_token").GetString()
                ?? throw new HttpRequestException("The token endpoint answered without an access_token.");
            var lifetime = body.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 3600;
            _token = token;
            _refreshAt = time.GetUtcNow().AddSeconds(Math.Max(0, lifetime - 300));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
