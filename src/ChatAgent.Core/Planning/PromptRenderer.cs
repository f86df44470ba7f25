using System.Text;
using System.Text.RegularExpressions;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Planning;

/// <summary>
/// Fills a prompt file's placeholders (factor 2): <c>{{agent.name}}</c>, <c>{{agent.description}}</c>,
/// <c>{{tools}}</c> (a bullet list: <c>- name (kind): description</c>), <c>{{input}}</c>, <c>{{arguments}}</c> (<c>a=1, b=2</c>) and <c>{{args.x}}</c>.
/// Whitespace inside the braces is allowed (<c>{{ input }}</c>).
/// An unknown placeholder, or <c>{{args.x}}</c> for an argument the thread doesn't have, is left in the
/// output exactly as written: a prompt author reading the rendered prompt sees the typo instead of a silent
/// blank. Values are inserted once, never re-scanned, so an input containing <c>{{tools}}</c> stays literal.
/// </summary>
public static partial class PromptRenderer
{
    public static string Render(PromptTemplate template, AgentDefinition agent, IReadOnlyList<ToolDefinition> tools, ThreadState state) =>
        Render(template, agent, tools, state.Input, state.Arguments);

    public static string Render(PromptTemplate template, AgentDefinition agent, IReadOnlyList<ToolDefinition> tools, string input, IReadOnlyDictionary<string, string> arguments) =>
        Placeholder().Replace(template.Text, m => Value(m.Groups["name"].Value, agent, tools, input, arguments) ?? m.Value);

    private static string? Value(string name, AgentDefinition agent, IReadOnlyList<ToolDefinition> tools, string input, IReadOnlyDictionary<string, string> arguments) => name switch
    {
        "agent.name" => agent.Name,
        "agent.description" => agent.Description,
        "tools" => ToolList(tools),
        "input" => input,
        "arguments" => arguments.Count == 0 ? "(none)" : string.Join(", ", arguments.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")),
        _ when name.StartsWith("args.", StringComparison.Ordinal) => arguments.TryGetValue(name["args.".Length..], out var value) ? value : null,
        _ => null,
    };

    private static string ToolList(IReadOnlyList<ToolDefinition> tools)
    {
        var sb = new StringBuilder();
        foreach (var t in tools)
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append("- ").Append(t.Name).Append(" (").Append(ContextHistory.KindName(t.Kind)).Append("): ").Append(t.Description);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\{\{\s*(?<name>[A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")]
    private static partial Regex Placeholder();
}
