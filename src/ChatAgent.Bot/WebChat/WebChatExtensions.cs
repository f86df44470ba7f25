using ChatAgent.Core.Chat;

namespace ChatAgent.Bot.WebChat;

/// <summary>The local web chat: its chat surface, its endpoints and the agents/reliability API it reads.</summary>
public static class WebChatExtensions
{
    public static WebApplicationBuilder AddWebChat(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IChatSurface, WebChatSurface>();
        builder.Services.AddSingleton<FullCallLink>();
        return builder;
    }

    /// <summary>Maps the web chat's endpoints; the page itself is <c>wwwroot/</c>, served by <c>UseDefaultFiles</c> + <c>UseStaticFiles</c>.</summary>
    public static WebApplication MapWebChat(this WebApplication app)
    {
        app.MapWebChatApi();
        app.MapAgentsApi();
        return app;
    }
}
