namespace ChatAgent.Bot.Api;

/// <summary>Configuration <c>Api:Keys:0..n</c>: bearer keys for the REST API. None set: loopback requests only.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public List<string> Keys { get; set; } = [];
}
