using ChatAgent.Bot.Api;
using ChatAgent.Bot.Planners;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Planning;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Tools;
using ChatAgent.Jobs;
using ChatAgent.Jobs.Cron;

namespace ChatAgent.Bot.Hosting;

/// <summary>The composition of Core, storage and jobs for the ASP.NET Core host.</summary>
public static class ChatAgentHostExtensions
{
    /// <summary>
    /// Core, tools, storage (PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, else in memory) and the planner
    /// (<c>Llm:*</c>). Options are validated at start, so bad configuration fails before the first request.
    /// </summary>
    public static WebApplicationBuilder AddChatAgentCore(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var postgres = NullIfEmpty(config.GetConnectionString("Postgres"));
        var agentsPath = AgentsPathResolver.Resolve(config["Agents:Path"]);

        builder.Services.AddChatAgentStorage(postgres, config.GetValue<int?>("Postgres:MaxPoolSize"), NullIfEmpty(config["Audit:Key"]));
        builder.Services.AddChatAgentTools(o =>
        {
            o.Path = agentsPath;
            o.DataDir = NullIfEmpty(config["Agents:DataDir"]);
            o.WorkflowsPath = WorkflowsPathResolver.Resolve(config["Workflows:Path"], agentsPath);
        });
        builder.Services.AddOptions<AgentsOptions>()
            .Validate(o => Directory.Exists(o.Path), "Agents:Path must be a folder of agent YAML files (the repository's agents/ when unset).")
            .ValidateOnStart();
        builder.Services.AddOptions<ToolSecretsOptions>().Bind(config.GetSection(ToolSecretsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ToolSecretsOptions>, ToolSecretsValidation>();
        builder.Services.AddOptions<ApprovalOptions>().BindConfiguration("Approvals");
        builder.Services.AddOptions<Core.Chat.ChatOptions>().BindConfiguration(Core.Chat.ChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.HasUsableBaseUrl, "Llm:BaseUrl must be an absolute http(s) URL, such as http://localhost:11434/v1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IPlanner>(sp => PlannerFactory.Create(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<LlmOptions>>().Value, sp));
        builder.Services.AddChatAgentCore();
        builder.Services.AddSingleton<ApiKeyFilter>();
        builder.Services.AddHostedService<StartupCheck>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = EventJson.Options.DefaultIgnoreCondition;
            o.SerializerOptions.Encoder = EventJson.Options.Encoder;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>Hangfire: on PostgreSQL when configured, else in memory.</summary>
    public static WebApplicationBuilder AddChatAgentJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddChatAgentJobs(NullIfEmpty(builder.Configuration.GetConnectionString("Postgres")));
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.Configure<CronOptions>(o =>
        {
            o.SlackDefaultChannel = NullIfEmpty(builder.Configuration["Slack:DefaultChannel"]);
            o.TeamsDefaultConversation = NullIfEmpty(builder.Configuration["Teams:DefaultConversation"]);
        });
        builder.Services.AddOptions<ThreadSweeperOptions>().BindConfiguration(ThreadSweeperOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
