using ChatAgent.Bot.Security;

namespace ChatAgent.Bot.Api;

/// <summary>Configuration <c>Api:Keys:*</c>: bearer keys for the REST API and what each may act as (<see cref="ApiKey"/>). None set: loopback requests only.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public List<ApiKey> Keys { get; set; } = [];
}
