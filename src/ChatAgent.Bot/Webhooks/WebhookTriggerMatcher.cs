using System.Text.Json;
using ChatAgent.Core.Agents;

namespace ChatAgent.Bot.Webhooks;

/// <summary>
/// Which agents a webhook delivery launches: every agent trigger named like the webhook whose <c>when</c> conditions
/// (dotted paths into the payload, compared as text: JSON <c>true</c> equals <c>"true"</c>) all hold, with its
/// <c>input</c> rendered over the payload. Pure: no I/O, so a delivery is decided the same way every time.
/// </summary>
public static class WebhookTriggerMatcher
{
    public static WebhookMatches Match(IAgentCatalog catalog, string webhook, JsonElement payload)
    {
        var matched = new List<WebhookMatch>();
        var skipped = new List<WebhookSkip>();
        foreach (var agent in catalog.Agents)
        {
            foreach (var trigger in agent.Triggers.Webhooks.Where(t => string.Equals(t.Name, webhook, StringComparison.Ordinal)))
            {
                var scope = TemplateScope.ForPayload(payload, agent.Name);
                var failed = trigger.When
                    .Where(c => !Holds(scope, c.Key, c.Value))
                    .Select(c => $"{c.Key} is {Describe(scope, c.Key)}, not \"{c.Value}\"")
                    .ToList();
                if (failed.Count > 0)
                {
                    skipped.Add(new WebhookSkip(agent.Name, failed));
                    continue;
                }
                try
                {
                    matched.Add(new WebhookMatch(agent.Name, TemplateRenderer.Render(trigger.Input, scope).Trim()));
                }
                catch (TemplateException e)
                {
                    skipped.Add(new WebhookSkip(agent.Name, [$"input: {e.Message}"]));
                }
            }
        }
        return new WebhookMatches(matched, skipped);
    }

    private static bool Holds(TemplateScope scope, string path, string expected) =>
        scope.TryResolve("payload." + path, out var value) && string.Equals(Text(value), expected, StringComparison.Ordinal);

    private static string Describe(TemplateScope scope, string path) =>
        scope.TryResolve("payload." + path, out var value) ? $"\"{Text(value)}\"" : "missing";

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };
}

/// <summary>The outcome of <see cref="WebhookTriggerMatcher.Match"/>.</summary>
public sealed record WebhookMatches(IReadOnlyList<WebhookMatch> Matched, IReadOnlyList<WebhookSkip> Skipped);

/// <summary>An agent to launch with <see cref="Input"/>.</summary>
public sealed record WebhookMatch(string Agent, string Input);

/// <summary>An agent whose trigger did not fire, and why (each failed condition).</summary>
public sealed record WebhookSkip(string Agent, IReadOnlyList<string> Reasons);
