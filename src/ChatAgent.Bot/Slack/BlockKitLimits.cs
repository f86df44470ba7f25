namespace ChatAgent.Bot.Slack;

/// <summary>Block Kit's published limits; the renderer clips to them so Slack never rejects a card as too large.</summary>
public static class BlockKitLimits
{
    public const int MessageBlocks = 50;
    public const int ModalBlocks = 100;
    public const int Text = 3000;
    public const int PlainText = 150;
    public const int ButtonText = 75;
    public const int ButtonValue = 2000;
    public const int ActionId = 255;
    public const int ActionsElements = 25;
    public const int ContextElements = 10;
    public const int HeaderText = 150;
    public const int ModalTitle = 24;
    public const int PrivateMetadata = 3000;
    public const int MessageText = 40000;
    public const int InputValue = 3000;
    public const int BlockId = 255;

    public static string Clip(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
