using ChatAgent.Bot.Api;
using ChatAgent.Bot.Hosting;
using ChatAgent.Bot.WebChat;
using ChatAgent.Bot.Webhooks;
using ChatAgent.Bot.Teams;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatAgentCore();
builder.AddChatAgentJobs();
builder.AddWebChat();
builder.AddTeams();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapOperations();
app.MapThreadsApi();
app.MapWebChat();
app.MapWebhooks();
app.MapTeams();
app.Run();

/// <summary>The host's entry point, visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
