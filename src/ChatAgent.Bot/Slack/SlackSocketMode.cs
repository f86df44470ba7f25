using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Core.Observability;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// Socket Mode: the bot dials out to Slack (<c>apps.connections.open</c> + a WebSocket), so it needs no public URL.
/// Envelopes (<c>slash_commands</c>, <c>interactive</c>, <c>events_api</c>) go to the same handlers as HTTP and are
/// acknowledged by <c>envelope_id</c> once handled (with the reply as the ack's payload). A <c>disconnect</c> or a
/// dropped socket opens a fresh connection. Each envelope is handled under its own root span
/// (<c>slack.socket_mode &lt;type&gt;</c>), the counterpart of an HTTP request's, so the jobs it schedules join its trace.
/// </summary>
public sealed class SlackSocketMode(
    SlackApiClient api,
    SlackCommands commands,
    SlackInteractions interactions,
    SlackEvents events,
    ILogger<SlackSocketMode> log) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Connections opened so far (for operators and tests).</summary>
    public int Connections { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var url = await api.OpenConnectionAsync(stoppingToken);
                using var socket = new ClientWebSocket();
                // Pings with a pong deadline, so a silently dead connection is noticed and replaced.
                socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
                socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(15);
                await socket.ConnectAsync(url, stoppingToken);
                Connections++;
                log.LogInformation("Slack Socket Mode connected");
                backoff = TimeSpan.FromMilliseconds(250);
                await ReceiveAsync(socket, stoppingToken);
                continue; // Slack asked us to reconnect
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Slack Socket Mode connection dropped; reconnecting in {Backoff}", backoff);
            }
            await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    /// <summary>Reads envelopes until Slack says <c>disconnect</c> (returns) or the socket drops (throws).</summary>
    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        while (true)
        {
            var text = await ReadMessageAsync(socket, ct) ?? throw new WebSocketException("The Socket Mode connection closed.");
            JsonObject? envelope;
            try { envelope = JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { envelope = null; }
            var type = envelope?["type"]?.GetValue<string>();
            if (type == "disconnect")
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", ct);
                return;
            }
            if (envelope?["envelope_id"]?.GetValue<string>() is not { } envelopeId) continue; // hello, or noise
            var payload = envelope["payload"]?.ToJsonString() ?? "{}";
            object? answer;
            // A new trace per envelope, as per HTTP request; not a child of whatever was current when the socket opened.
            Activity.Current = null;
            using var activity = ChatAgentTelemetry.Source.StartActivity("slack.socket_mode " + type, ActivityKind.Server);
            activity?.SetTag("slack.envelope.type", type);
            try
            {
                answer = await HandleAsync(type, payload, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not acknowledged: Slack delivers the envelope again.
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                log.LogError(ex, "Slack Socket Mode envelope {Type} failed", type);
                continue;
            }
            var ack = new JsonObject { ["envelope_id"] = envelopeId };
            if (answer is not null) ack["payload"] = JsonSerializer.SerializeToNode(answer, SlackJson.Options);
            await socket.SendAsync(Encoding.UTF8.GetBytes(ack.ToJsonString()), WebSocketMessageType.Text, true, ct);
        }
    }

    private async Task<object?> HandleAsync(string? type, string payload, CancellationToken ct)
    {
        switch (type)
        {
            case "slash_commands":
                if (SlackPayloadParser.TryParse<SocketSlashCommand>(payload) is not { } c) return null;
                return SlackApi.Ephemeral(await commands.HandleSlashAsync(new SlashCommand(c.Command, c.Text ?? "", c.UserId, c.UserName, c.ChannelId, c.TriggerId, c.ResponseUrl), ct));
            case "interactive":
                return SlackPayloadParser.TryParse<InteractionPayload>(payload) is { } i ? await interactions.HandleAsync(i, ct) : null;
            case "events_api":
                return SlackPayloadParser.TryParse<EventEnvelope>(payload) is { } e ? await events.HandleAsync(e, ct) : null;
            default:
                log.LogDebug("Ignored Slack Socket Mode envelope {Type}", type);
                return null;
        }
    }

    private static async Task<string?> ReadMessageAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
        }
    }

    private sealed record SocketSlashCommand(string Command, string UserId, string ChannelId, string TriggerId, string? Text = null, string? UserName = null, string? ResponseUrl = null);
}
