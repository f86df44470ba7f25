using System.Text.Json.Nodes;

namespace ChatAgent.Bot.Tests.Slack.Support;

/// <summary>
/// Checks a Web API payload against Block Kit's published limits: 50 blocks in a message (100 in a modal), 3000
/// characters in a text object (150 in a header, 75 in a button label, 24 in a modal title), 2000 in a button value,
/// 255 in an action id, 25 elements in an actions block, 10 in a context block, 3000 in private_metadata, known block
/// types, and a fallback <c>text</c> on every message.
/// </summary>
public static class BlockKitChecker
{
    private static readonly HashSet<string> BlockTypes = ["section", "context", "actions", "divider", "header", "input"];

    public static IEnumerable<string> Check(string method, JsonObject body)
    {
        var problems = new List<string>();
        if (method is "chat.postMessage" or "chat.update" or "chat.postEphemeral")
        {
            if (string.IsNullOrEmpty((string?)body["text"])) problems.Add($"{method}: no fallback text");
            if (body["blocks"] is JsonArray blocks) CheckBlocks(method, blocks, 50, problems);
        }
        else if (method == "views.publish")
        {
            if (string.IsNullOrEmpty((string?)body["user_id"])) problems.Add($"{method}: no user_id");
            if (body["view"] is not JsonObject { } home || (string?)home["type"] != "home") problems.Add($"{method}: not a home view");
            else if (home["blocks"] is JsonArray blocks) CheckBlocks(method, blocks, 100, problems);
        }
        else if (method == "views.open" && body["view"] is JsonObject view)
        {
            if (view["blocks"] is JsonArray blocks) CheckBlocks(method, blocks, 100, problems);
            Text(method, "title", view["title"], 24, problems);
            Text(method, "submit", view["submit"], 24, problems);
            Text(method, "close", view["close"], 24, problems);
            if (((string?)view["private_metadata"])?.Length > 3000) problems.Add($"{method}: private_metadata over 3000");
        }
        return problems;
    }

    /// <summary>An ephemeral slash-command answer (the HTTP response body).</summary>
    public static IEnumerable<string> CheckReply(JsonObject reply) => Check("chat.postEphemeral", reply);

    private static void CheckBlocks(string method, JsonArray blocks, int max, List<string> problems)
    {
        if (blocks.Count > max) problems.Add($"{method}: {blocks.Count} blocks (max {max})");
        foreach (var block in blocks.OfType<JsonObject>())
        {
            var type = (string?)block["type"] ?? "";
            if (!BlockTypes.Contains(type)) problems.Add($"{method}: unknown block type '{type}'");
            if (((string?)block["block_id"])?.Length > 255) problems.Add($"{method}: block_id over 255");
            switch (type)
            {
                case "section":
                    Text(method, "section", block["text"], 3000, problems);
                    break;
                case "header":
                    Text(method, "header", block["text"], 150, problems);
                    break;
                case "context":
                    var elements = block["elements"] as JsonArray ?? [];
                    if (elements.Count > 10) problems.Add($"{method}: context with {elements.Count} elements");
                    foreach (var e in elements) Text(method, "context", e, 3000, problems);
                    break;
                case "actions":
                    var items = block["elements"] as JsonArray ?? [];
                    if (items.Count > 25) problems.Add($"{method}: actions with {items.Count} elements");
                    foreach (var e in items.OfType<JsonObject>()) Element(method, e, problems);
                    break;
                case "input":
                    Text(method, "input label", block["label"], 2000, problems);
                    if (block["element"] is JsonObject input) Element(method, input, problems);
                    break;
            }
        }
    }

    private static void Element(string method, JsonObject element, List<string> problems)
    {
        if (((string?)element["action_id"])?.Length > 255) problems.Add($"{method}: action_id over 255");
        if ((string?)element["type"] != "button") return;
        Text(method, "button", element["text"], 75, problems);
        if (((string?)element["value"])?.Length > 2000) problems.Add($"{method}: button value over 2000");
        if (element["confirm"] is JsonObject confirm)
        {
            Text(method, "confirm title", confirm["title"], 100, problems);
            Text(method, "confirm text", confirm["text"], 300, problems);
            Text(method, "confirm button", confirm["confirm"], 30, problems);
            Text(method, "deny button", confirm["deny"], 30, problems);
        }
    }

    private static void Text(string method, string where, JsonNode? text, int max, List<string> problems)
    {
        if (text is not JsonObject o) return;
        var type = (string?)o["type"];
        if (type is not ("plain_text" or "mrkdwn")) problems.Add($"{method}: {where} text of type '{type}'");
        var value = (string?)o["text"] ?? "";
        if (value.Length == 0) problems.Add($"{method}: {where} text is empty");
        if (value.Length > max) problems.Add($"{method}: {where} text of {value.Length} characters (max {max})");
    }
}
