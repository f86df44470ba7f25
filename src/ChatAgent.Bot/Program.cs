using ChatAgent.Bot.Api;
using ChatAgent.Bot.Hosting;
using ChatAgent.Bot.Slack;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatAgentCore();
builder.AddChatAgentJobs();
builder.AddSlack();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOperations();
app.MapThreadsApi();
app.MapSlack();
app.Run();

/// <summary>The host's entry point, visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
