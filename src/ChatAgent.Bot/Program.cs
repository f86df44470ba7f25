using ChatAgent.Bot.Api;
using ChatAgent.Bot.Hosting;
using ChatAgent.Bot.WebChat;
using ChatAgent.Bot.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatAgentCore();
builder.AddChatAgentJobs();
builder.AddWebChat();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapOperations();
app.MapThreadsApi();
app.MapWebChat();
app.MapWebhooks();
app.MapMeasuredReliabilityApi();
app.Run();

/// <summary>The host's entry point, visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
