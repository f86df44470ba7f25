using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// Validates the Bot Framework's bearer token on an inbound activity: signature by a key from the OpenID metadata
/// (cached; refreshed when a token names an unknown key), issuer, audience (our app id), lifetime (5 min skew);
/// then, with the activity read, the key's endorsements must include the activity's channel, the token's
/// <c>serviceurl</c> claim must equal the activity's service URL, and the tenant must be allowed.
/// </summary>
public sealed class BotFrameworkAuthenticator
{
    private readonly TeamsOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ILogger<BotFrameworkAuthenticator> _log;

    public BotFrameworkAuthenticator(IOptions<TeamsOptions> options, IHttpClientFactory http, ILogger<BotFrameworkAuthenticator> log)
    {
        _options = options.Value;
        _log = log;
        var url = new Uri(_options.OpenIdMetadataUrl);
        var retriever = new HttpDocumentRetriever(http.CreateClient(nameof(BotFrameworkAuthenticator))) { RequireHttps = !url.IsLoopback };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(_options.OpenIdMetadataUrl, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(12),
            RefreshInterval = TimeSpan.FromMinutes(1),
        };
    }

    /// <summary>Checks the header's token; returns the validated token, or null with the reason logged.</summary>
    public async Task<AuthenticatedToken?> ValidateTokenAsync(string? authorization, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Refuse("no bearer token");
        var token = authorization["Bearer ".Length..].Trim();
        if (!_handler.CanReadToken(token)) return Refuse("unreadable token");
        OpenIdConnectConfiguration config;
        try
        {
            config = await _metadata.GetConfigurationAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException)
        {
            _log.LogError(ex, "Bot Framework OpenID metadata unavailable at {Url}; refusing activities until it is", _options.OpenIdMetadataUrl);
            throw new BotFrameworkMetadataUnavailableException(ex);
        }
        var result = await _handler.ValidateTokenAsync(token, Parameters(config));
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Keys roll over: fetch the metadata again (rate-limited by RefreshInterval) and try once more. If that
            // fetch fails the token stays unverified (401); the cached keys keep serving the tokens they can check.
            _metadata.RequestRefresh();
            try
            {
                config = await _metadata.GetConfigurationAsync(ct);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException)
            {
                _log.LogError(ex, "Bot Framework OpenID metadata refresh failed at {Url}", _options.OpenIdMetadataUrl);
                return Refuse("signing key not found and the metadata refresh failed");
            }
            result = await _handler.ValidateTokenAsync(token, Parameters(config));
        }
        if (!result.IsValid) return Refuse(result.Exception?.GetType().Name ?? "invalid token");
        var kid = result.SecurityToken is JsonWebToken jwt ? jwt.Kid : null;
        var key = config.JsonWebKeySet?.Keys.FirstOrDefault(k => k.KeyId == kid);
        var serviceUrl = result.Claims.TryGetValue("serviceurl", out var s) ? s as string : null;
        return new AuthenticatedToken(Endorsements(key), serviceUrl);
    }

    /// <summary>The checks that need the activity. Null when it passes; otherwise the reason (already logged).</summary>
    public string? CheckActivity(AuthenticatedToken token, Activity activity)
    {
        if (string.IsNullOrEmpty(activity.ChannelId) || !token.Endorsements.Contains(activity.ChannelId, StringComparer.OrdinalIgnoreCase))
            return Log("the signing key is not endorsed for the channel");
        if (token.ServiceUrl is null || activity.ServiceUrl is null || !string.Equals(token.ServiceUrl, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
            return Log("the token's serviceurl does not match the activity's");
        return CheckTenant(activity);
    }

    /// <summary>Refuses tenants outside <c>Teams:AllowedTenants</c> (also applied in unauthenticated mode).</summary>
    public string? CheckTenant(Activity activity)
    {
        if (_options.AllowedTenants.Count == 0) return null;
        var tenant = activity.TenantId;
        if (tenant is not null && _options.AllowedTenants.Contains(tenant, StringComparer.OrdinalIgnoreCase)) return null;
        return Log($"tenant {tenant ?? "(none)"} is not allowed");
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration config) => new()
    {
        ValidIssuer = _options.Issuer,
        ValidAudience = _options.AppId,
        IssuerSigningKeys = config.SigningKeys,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromMinutes(5),
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
    };

    private static IReadOnlyList<string> Endorsements(JsonWebKey? key)
    {
        if (key is null || !key.AdditionalData.TryGetValue("endorsements", out var value) || value is null) return [];
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(e => e.ToString())],
            string single => [single],
            System.Collections.IEnumerable many => [.. many.Cast<object?>().Select(o => o?.ToString() ?? "")],
            _ => [],
        };
    }

    private AuthenticatedToken? Refuse(string reason)
    {
        Log(reason);
        return null;
    }

    /// <summary>Logs why an activity was refused (for checks made outside this class).</summary>
    public void LogRefusal(string reason) => Log(reason);

    private string Log(string reason)
    {
        _log.LogWarning("Refused a Bot Framework activity: {Reason}", reason);
        return reason;
    }
}

/// <summary>The OpenID metadata (signing keys) could not be fetched, so no token can be checked: answered 503.</summary>
public sealed class BotFrameworkMetadataUnavailableException(Exception inner) : Exception("The Bot Framework OpenID metadata is unavailable.", inner);

/// <summary>What a valid token vouches for: the channels its key is endorsed for and the service URL it was issued for.</summary>
public sealed record AuthenticatedToken(IReadOnlyList<string> Endorsements, string? ServiceUrl);
