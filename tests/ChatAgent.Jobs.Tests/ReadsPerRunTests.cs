using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Jobs.Tests;

/// <summary>
/// A run and a delivery cost the events they add, not the thread's length: each reads the stream whole once, then only
/// what others appended since (a thread's receipts and status edits would otherwise make every message re-read it all,
/// and a run's steps their own events).
/// </summary>
public sealed class ReadsPerRunTests
{
    [Fact]
    public async Task ARunAndItsDelivery_EachReadEveryEventOnce()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var chat = new RecordingChatSurface("chat-test");
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path, s => s.AddSingleton<IChatSurface>(chat));
        var id = await harness.LaunchAsync("api to staging", platform: "chat-test");
        var launched = (await harness.Store.ReadAsync(id)).Count;

        harness.Store.Reads.Clear();
        await harness.Get<RunThreadJob>().RunAttemptAsync(id, 0, CancellationToken.None);
        var run = harness.Store.Reads.Where(r => r.ThreadId == id).ToList();
        var afterRun = await harness.Store.ReadAsync(id);

        harness.Store.Reads.Clear();
        await harness.Get<DeliverMessagesJob>().RunAsync(id, CancellationToken.None);
        var delivery = harness.Store.Reads.Where(r => r.ThreadId == id).ToList();
        var afterDelivery = await harness.Store.ReadAsync(id);

        Assert.Equal(ThreadStatus.Completed, ThreadReducer.Replay(afterRun).Status);
        // Both the status line and the final answer went out, each recorded once.
        var posted = afterDelivery.Select(e => e.Data).OfType<MessagePosted>().Select(p => p.MessageKey).ToList();
        Assert.Equal(chat.Posted.Count, posted.Count);
        Assert.Contains(MessageKeys.Status, posted);
        Assert.Contains(MessageKeys.Final, posted);

        // The run: one whole read and nothing after it. Its steps keep the events they append, as stored, so it never
        // reads back one of its own: what it read is exactly what the launch wrote; and it ended the thread, which no
        // command can set running again, so it does not look for what came after its last step.
        var read = Assert.Single(run);
        Assert.Equal(0, read.AfterSeq);
        Assert.True(afterRun.Count > launched + 2, "the run took several steps");
        Assert.Equal(launched, run.Sum(r => r.Count));
        // The delivery: one whole read; its own receipts are never read back.
        Assert.Single(delivery, r => r.AfterSeq == 0);
        AssertNoEventReadTwice(delivery);
        Assert.Equal(afterRun.Count, delivery.Sum(r => r.Count));
        Assert.True(afterDelivery.Count > afterRun.Count);
    }

    private static void AssertNoEventReadTwice(IEnumerable<(string ThreadId, long AfterSeq, int Count)> reads)
    {
        var seqs = reads.SelectMany(r => Enumerable.Range((int)r.AfterSeq + 1, r.Count)).ToList();
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
    }
}
