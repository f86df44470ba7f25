using ChatAgent.Bot.Api;
using ChatAgent.Bot.Audit;
using ChatAgent.Bot.Hosting;
using ChatAgent.Bot.WebChat;
using ChatAgent.Bot.Webhooks;
using ChatAgent.Bot.Observability;
using ChatAgent.Bot.Security;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Teams;

var builder = WebApplication.CreateBuilder(args);
builder.AddTrust(); // first: the mode decides what the rest may allow
builder.AddChatAgentCore();
builder.AddChatAgentJobs();
builder.AddWebChat();
builder.AddSlack();
builder.AddTeams();
builder.AddWebhooks();
builder.AddObservability(); // last: it decorates what the lines above registered

var app = builder.Build();
if (app.RunCommand(args)) return;
app.UseTrust();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapOperations();
app.MapThreadsApi();
app.MapGrantsApi();
app.MapApprovalsApi();
app.MapWebChat();
app.MapWebhooks();
app.MapAuditApi();
app.MapObservability();
app.MapSlack();
app.MapReliabilityApi();
app.MapTeams();
app.Run();

/// <summary>The host's entry point, visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
