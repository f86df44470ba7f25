using System.Text.Json.Serialization;

namespace ChatAgent.Bot.Api;

/// <summary>One row of <c>GET /api/threads</c> (docs/API.md, "List items"): enough to pick a thread; its view has the rest.</summary>
public sealed record ThreadListItem(
    string Id,
    string Agent,
    string Status,
    int Step,
    int MaxSteps,
    string Platform,
    string RequestedBy,
    int PendingApprovals,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ParentThreadId,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt);
