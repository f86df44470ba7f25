using System.Text.Json;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Threads;
using Npgsql;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// An outbox delivery is done by the bot's own delivery workers the moment its wake-up arrives (no Hangfire job while
/// Slack answers); one that Slack refuses becomes a Hangfire job, whose retry posts the message.
/// </summary>
public sealed class LocalDeliveryTests
{
    [Fact]
    public async Task ADeploysMessages_ArePostedWithoutAJob_AndARefusedPost_IsRetriedByOne()
    {
        await using var rig = await SlackRig.StartAsync(postgres: true);
        var first = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to staging", user: "UALICE"));
        await rig.WaitForAsync(first, s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered), "the first deploy, every message posted");
        Assert.NotEmpty(rig.Slack.CallsTo("chat.postMessage"));
        Assert.Empty(await DeliveryJobsAsync(rig.Host.ConnectionString!));

        rig.Slack.FailNext("chat.postMessage", "internal_error");
        var second = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "web to staging", user: "UALICE"));
        await rig.WaitForAsync(second, s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered), "the second deploy, every message posted in the end");
        Assert.Equal([second], await DeliveryJobsAsync(rig.Host.ConnectionString!));
    }

    /// <summary>The thread ids of the DeliverMessagesJob jobs in the database's Hangfire schema.</summary>
    private static async Task<List<string>> DeliveryJobsAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var query = db.CreateCommand("SELECT invocationdata, arguments FROM hangfire.job");
        await using var reader = await query.ExecuteReaderAsync();
        var threads = new List<string>();
        while (await reader.ReadAsync())
            if (reader.GetString(0).Contains("DeliverMessagesJob", StringComparison.Ordinal))
                threads.Add(JsonSerializer.Deserialize<string>(JsonSerializer.Deserialize<string[]>(reader.GetString(1))![0])!);
        return [.. threads.Distinct()];
    }
}
