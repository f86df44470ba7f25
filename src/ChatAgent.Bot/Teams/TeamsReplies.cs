using System.Threading.Channels;
using ChatAgent.Bot.Teams.Connector;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// Direct answers to a person that belong to no thread (help, usage, refusals, the pending list): queued here and
/// sent in the background, so the HTTP answer to Teams never waits for the connector. Thread messages go through
/// the outbox instead. A reply lost to a crash is lost (it is advice, not state).
/// </summary>
public sealed class TeamsReplies(BotConnectorClient connector, ILogger<TeamsReplies> log) : BackgroundService
{
    private readonly Channel<(Activity To, Activity Reply)> _queue = Channel.CreateBounded<(Activity, Activity)>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues <paramref name="reply"/> as a reply to <paramref name="to"/> in its conversation.</summary>
    public void Reply(Activity to, Activity reply)
    {
        if (to.ServiceUrl is null || to.Conversation?.Id is null) return;
        _queue.Writer.TryWrite((to, reply));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (to, reply) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (to.Id is { } id) await connector.ReplyAsync(to.ServiceUrl!, to.Conversation!.Id!, id, reply, stoppingToken);
                else await connector.SendAsync(to.ServiceUrl!, to.Conversation!.Id!, reply, stoppingToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TeamsDeliveryRefusedException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(ex, "Could not answer activity {ActivityId} in {Conversation}", to.Id, to.Conversation?.Id);
            }
        }
    }
}
