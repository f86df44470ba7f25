namespace ChatAgent.Bot.Slack;

/// <summary>Action and callback ids on the bot's cards and modals: constants, handled in one table (SlackInteractions).</summary>
public static class SlackActions
{
    public const string Approve = "approval.approve";
    public const string Deny = "approval.deny";
    public const string ApproveWithComment = "approval.approve_comment";
    public const string DenyWithComment = "approval.deny_comment";
    public const string Edit = "approval.edit";
    public const string ApproveAndAllow = "approval.approve_allow";
    public const string Retry = "stuck.retry";
    public const string RetryWithHint = "stuck.retry_hint";
    public const string Abort = "stuck.abort";

    /// <summary>Modal callback ids.</summary>
    public const string CommentModal = "approval.comment";
    public const string HintModal = "stuck.hint";
    public const string EditModal = "approval.edit";

    /// <summary>In the edit modal: each parameter's input element (its block id is the parameter's name), and the reason's block.</summary>
    public const string EditInput = "value";
    public const string EditReasonBlock = "edit:reason";

    /// <summary>The input block and element of the comment/hint field in a modal.</summary>
    public const string TextBlock = "text";
    public const string TextInput = "text_input";

    /// <summary>A button value for an approval: <c>thread|approval</c> (ids never contain '|').</summary>
    public static string ApprovalValue(string threadId, string approvalId) => threadId + "|" + approvalId;

    public static bool TryParseApprovalValue(string? value, out string threadId, out string approvalId)
    {
        var parts = (value ?? "").Split('|');
        (threadId, approvalId) = parts.Length == 2 ? (parts[0], parts[1]) : ("", "");
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0;
    }
}
