namespace ChatAgent.Bot.Teams;

/// <summary>Settings <c>Teams:*</c>. Without <see cref="AppId"/> the endpoint answers 404, unless <see cref="Emulator"/> (local use only).</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";
    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    public const string ConnectorScope = "https://api.botframework.com/.default";

    /// <summary>The bot's Microsoft App ID: the audience of inbound tokens and the client id of outbound ones.</summary>
    public string? AppId { get; set; }

    /// <summary>The client secret of the app registration (never logged).</summary>
    public string? AppPassword { get; set; }

    /// <summary>Single-tenant registrations: the tenant that issues the bot's token; unset: <c>botframework.com</c> (multi-tenant).</summary>
    public string? TenantId { get; set; }

    /// <summary>Tenants whose users may talk to the bot; empty: any tenant.</summary>
    public List<string> AllowedTenants { get; set; } = [];

    public string OpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    /// <summary>Where the bot's own token comes from; unset: Microsoft's (through MSAL).</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Where cron agents post when their trigger names no channel (a stored conversation id).</summary>
    public string? DefaultConversation { get; set; }

    /// <summary>Issuer of inbound tokens; Bot Framework's public cloud unless overridden (sovereign clouds).</summary>
    public string Issuer { get; set; } = BotFrameworkIssuer;

    /// <summary>
    /// <c>true</c>: without an app id, accept the unauthenticated Bot Framework Emulator (channel <c>emulator</c>).
    /// Refused at start-up in exposed mode.
    /// </summary>
    public bool Emulator { get; set; }

    public bool Authenticated => !string.IsNullOrWhiteSpace(AppId);

    /// <summary>Whether <c>/api/messages</c> exists: with an app id, or in Emulator mode.</summary>
    public bool Enabled => Authenticated || Emulator;

    /// <summary>The only channel accepted: Teams with an app id, the Emulator in Emulator mode.</summary>
    public string AcceptedChannel => Authenticated ? "msteams" : "emulator";
}
