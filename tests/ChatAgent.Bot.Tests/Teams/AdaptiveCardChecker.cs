using System.Text.Json;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// Checks a card against the Adaptive Card 1.5 schema rules for the elements this bot uses: the root's type, version
/// and $schema; each element's and action's type is one we know, with its required properties and only properties
/// the schema defines; input ids present and unique; Action.Execute has a verb and its fallback is "drop" or a
/// non-Execute action; refresh carries an Action.Execute. Returns the problems (empty: valid).
/// </summary>
public static class AdaptiveCardChecker
{
    private static readonly string[] Common = ["type", "id", "separator", "spacing", "isVisible", "requires", "fallback", "height"];

    private static readonly Dictionary<string, string[]> Elements = new()
    {
        ["TextBlock"] = ["text", "wrap", "weight", "size", "color", "isSubtle", "maxLines", "horizontalAlignment", "fontType", "style"],
        ["FactSet"] = ["facts"],
        ["Container"] = ["items", "style", "bleed", "minHeight", "verticalContentAlignment", "selectAction", "backgroundImage", "rtl"],
        ["ColumnSet"] = ["columns", "style", "bleed", "minHeight", "horizontalAlignment", "selectAction"],
        ["Input.Text"] = ["label", "placeholder", "isMultiline", "maxLength", "value", "regex", "style", "inlineAction", "isRequired", "errorMessage"],
        ["ActionSet"] = ["actions"],
    };

    private static readonly Dictionary<string, string[]> Actions = new()
    {
        ["Action.Execute"] = ["verb", "data", "associatedInputs"],
        ["Action.Submit"] = ["data", "associatedInputs"],
        ["Action.OpenUrl"] = ["url"],
    };

    private static readonly string[] ActionCommon = ["type", "id", "title", "iconUrl", "style", "fallback", "tooltip", "isEnabled", "mode", "requires"];

    public static IReadOnlyList<string> Check(JsonElement card)
    {
        var problems = new List<string>();
        var ids = new HashSet<string>();
        if (Str(card, "type") != "AdaptiveCard") problems.Add("root: type must be AdaptiveCard");
        if (Str(card, "version") != "1.5") problems.Add("root: version must be \"1.5\"");
        if (Str(card, "$schema") is not { } schema || !Uri.IsWellFormedUriString(schema, UriKind.Absolute)) problems.Add("root: $schema missing");
        foreach (var p in card.EnumerateObject())
            if (p.Name is not ("type" or "version" or "$schema" or "body" or "actions" or "refresh" or "fallbackText" or "msteams" or "speak" or "lang" or "minHeight" or "verticalContentAlignment" or "rtl" or "selectAction" or "backgroundImage" or "authentication" or "metadata"))
                problems.Add($"root: unknown property {p.Name}");
        if (card.TryGetProperty("body", out var body)) Items(body, "body", problems, ids);
        if (card.TryGetProperty("actions", out var actions)) ActionList(actions, "actions", problems);
        if (card.TryGetProperty("refresh", out var refresh))
        {
            if (!refresh.TryGetProperty("action", out var ra) || Str(ra, "type") != "Action.Execute") problems.Add("refresh: action must be Action.Execute");
            else Action(ra, "refresh.action", problems);
            if (refresh.TryGetProperty("userIds", out var users) && (users.ValueKind != JsonValueKind.Array || users.EnumerateArray().Any(u => u.ValueKind != JsonValueKind.String)))
                problems.Add("refresh: userIds must be an array of strings");
        }
        return problems;
    }

    private static void Items(JsonElement items, string where, List<string> problems, HashSet<string> ids)
    {
        if (items.ValueKind != JsonValueKind.Array) { problems.Add($"{where}: must be an array"); return; }
        var i = 0;
        foreach (var e in items.EnumerateArray()) Element(e, $"{where}[{i++}]", problems, ids);
    }

    private static void Element(JsonElement e, string where, List<string> problems, HashSet<string> ids)
    {
        var type = Str(e, "type");
        if (type is null || !Elements.TryGetValue(type, out var allowed)) { problems.Add($"{where}: unknown element type {type}"); return; }
        Known(e, where, Common.Concat(allowed), problems);
        if (Str(e, "id") is { } id && !ids.Add(id)) problems.Add($"{where}: duplicate id {id}");
        switch (type)
        {
            case "TextBlock" when Str(e, "text") is null:
                problems.Add($"{where}: TextBlock needs text"); break;
            case "FactSet":
                if (!e.TryGetProperty("facts", out var facts) || facts.ValueKind != JsonValueKind.Array) { problems.Add($"{where}: FactSet needs facts"); break; }
                foreach (var f in facts.EnumerateArray())
                    if (Str(f, "title") is null || Str(f, "value") is null || f.EnumerateObject().Count() != 2) problems.Add($"{where}: a fact needs exactly title and value (strings)");
                break;
            case "Container":
                if (!e.TryGetProperty("items", out var items)) problems.Add($"{where}: Container needs items"); else Items(items, where + ".items", problems, ids);
                break;
            case "ColumnSet":
                if (e.TryGetProperty("columns", out var columns))
                    foreach (var c in columns.EnumerateArray())
                    {
                        if (Str(c, "type") != "Column") problems.Add($"{where}: columns must be of type Column");
                        if (c.TryGetProperty("items", out var ci)) Items(ci, where + ".column", problems, ids);
                    }
                break;
            case "Input.Text" when string.IsNullOrEmpty(Str(e, "id")):
                problems.Add($"{where}: Input.Text needs an id"); break;
            case "ActionSet":
                if (!e.TryGetProperty("actions", out var actions)) problems.Add($"{where}: ActionSet needs actions"); else ActionList(actions, where + ".actions", problems);
                break;
        }
    }

    private static void ActionList(JsonElement actions, string where, List<string> problems)
    {
        if (actions.ValueKind != JsonValueKind.Array) { problems.Add($"{where}: must be an array"); return; }
        var i = 0;
        foreach (var a in actions.EnumerateArray()) Action(a, $"{where}[{i++}]", problems);
    }

    private static void Action(JsonElement a, string where, List<string> problems)
    {
        var type = Str(a, "type");
        if (type is null || !Actions.TryGetValue(type, out var allowed)) { problems.Add($"{where}: unknown action type {type}"); return; }
        Known(a, where, ActionCommon.Concat(allowed), problems);
        if (type == "Action.Execute" && string.IsNullOrEmpty(Str(a, "verb"))) problems.Add($"{where}: Action.Execute needs a verb");
        if (type == "Action.OpenUrl" && !Uri.IsWellFormedUriString(Str(a, "url"), UriKind.Absolute)) problems.Add($"{where}: Action.OpenUrl needs an absolute url");
        if (a.TryGetProperty("data", out var data) && data.ValueKind is not (JsonValueKind.Object or JsonValueKind.String)) problems.Add($"{where}: data must be an object or string");
        if (Str(a, "style") is { } style && style is not ("default" or "positive" or "destructive")) problems.Add($"{where}: style {style} is not allowed");
        if (a.TryGetProperty("fallback", out var fallback))
        {
            if (fallback.ValueKind == JsonValueKind.String) { if (fallback.GetString() != "drop") problems.Add($"{where}: fallback must be \"drop\" or an action"); }
            else if (Str(fallback, "type") == "Action.Execute") problems.Add($"{where}: the fallback of an action must not need Universal Actions");
            else Action(fallback, where + ".fallback", problems);
        }
    }

    private static void Known(JsonElement e, string where, IEnumerable<string> allowed, List<string> problems)
    {
        var set = allowed.ToHashSet();
        foreach (var p in e.EnumerateObject())
            if (!set.Contains(p.Name)) problems.Add($"{where}: unknown property {p.Name}");
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
