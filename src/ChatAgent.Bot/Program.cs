using ChatAgent.Bot.Api;
using ChatAgent.Bot.Hosting;
using ChatAgent.Bot.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatAgentCore();
builder.AddChatAgentJobs();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOperations();
app.MapThreadsApi();
app.MapWebhooks();
app.Run();

/// <summary>The host's entry point, visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
