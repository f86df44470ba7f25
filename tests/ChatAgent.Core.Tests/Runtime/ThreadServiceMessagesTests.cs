using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>What a person is told when a command is refused, and what the thread's cards say after one is accepted.</summary>
public sealed class ThreadServiceMessagesTests : IDisposable
{
    private readonly CoreHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Queued(IReadOnlyList<StoredEvent> events, string key) =>
        events.Select(e => e.Data).OfType<MessageQueued>().Last(m => m.MessageKey == key).Text;

    [Fact]
    public async Task Pause_Resume_AndAbort_TellTheStatusAndStuckCards_WhoDidIt_AndRefusalsSayWhy()
    {
        var id = await _h.LaunchAsync("deploy", "api");
        var bob = CoreHarness.User("bob");

        var paused = await _h.Service.PauseAsync(id, bob);
        Assert.Equal("deploy · step 0/8 · Paused by bob", Queued(await _h.EventsAsync(id), MessageKeys.Status));
        Assert.Equal("Paused by bob", paused.State!.PausedDetail);
        Assert.False(paused.State.Escalated);
        Assert.Equal($"Thread {id} is already paused.", (await _h.Service.PauseAsync(id, bob)).Message);
        Assert.Equal([id], _h.Scheduler.Deliveries.Where(d => d == id).Distinct());

        // A stuck card exists: resuming and aborting update it too.
        await _h.SeedAsync(id, (new MessageQueued(MessageKeys.Stuck, "stuck", "Stuck: 3 errors in a row"), Actor.System));
        var resumed = await _h.Service.ResumeAsync(id, bob, " canary first ");
        Assert.True(resumed.Accepted, resumed.Message);
        var events = await _h.EventsAsync(id);
        Assert.Equal("Resumed by bob with: canary first", Queued(events, MessageKeys.Stuck));
        Assert.Equal("deploy · step 0/8 · Resumed by bob", Queued(events, MessageKeys.Status));
        Assert.Equal("canary first", events.Select(e => e.Data).OfType<ThreadResumed>().Single().Feedback);
        Assert.Equal($"Thread {id} is not paused (it is running).", (await _h.Service.ResumeAsync(id, bob, null)).Message);

        var aborted = await _h.Service.AbortAsync(id, bob, null);
        Assert.True(aborted.Accepted, aborted.Message);
        events = await _h.EventsAsync(id);
        Assert.Equal("Aborted by bob", Queued(events, MessageKeys.Stuck));
        Assert.Equal("deploy · step 0/8 · Aborted by bob", Queued(events, MessageKeys.Status));
        Assert.Equal($"Thread {id} has already failed.", (await _h.Service.PauseAsync(id, bob)).Message);
        Assert.Equal($"Thread {id} has already failed.", (await _h.Service.ResumeAsync(id, bob, null)).Message);
        Assert.Equal($"Thread {id} has already failed.", (await _h.Service.AbortAsync(id, bob, "again")).Message);
    }

    [Fact]
    public async Task ResumeWithoutFeedback_AndNoStuckCard_QueuesOnlyTheStatusLine()
    {
        var id = await _h.LaunchAsync("deploy", "api");
        await _h.Service.PauseAsync(id, CoreHarness.User("bob"));
        var before = (await _h.EventsAsync(id)).Count;

        await _h.Service.ResumeAsync(id, CoreHarness.User("bob"), "   ");

        var added = (await _h.EventsAsync(id)).Skip(before).Select(e => e.Data).ToList();
        Assert.Equal(["thread_resumed", "message_queued"], added.Select(e => e.Type));
        Assert.Null(((ThreadResumed)added[0]).Feedback);
        Assert.Equal(MessageKeys.Status, ((MessageQueued)added[1]).MessageKey);
    }

    [Fact]
    public async Task UnknownThreads_AreNamed()
    {
        Assert.Equal((RejectionCodes.ThreadNotFound, "There is no thread th_nope."),
            ((await _h.Service.PauseAsync("th_nope", CoreHarness.User("bob"))) is var r ? (r.Code, r.Message) : default));
        Assert.Null(await _h.Service.GetStateAsync("th_nope"));
    }

    [Fact]
    public async Task AnsweringAThreadThatAsksNothing_IsRefused_WithTheThreadNamed()
    {
        var id = await _h.LaunchAsync("deploy", "api");

        var refused = await _h.Service.AnswerAsync(id, CoreHarness.User("bob"), "yes");

        Assert.Equal((RejectionCodes.QuestionNotPending, $"Thread {id} is not waiting for an answer."), (refused.Code, refused.Message));
    }

    [Fact]
    public async Task AnAnswer_IsTrimmed_AndTheQuestionCardShowsWhoAnswered()
    {
        var id = await _h.LaunchAsync("incident", "checkout is down");
        var question = (await _h.Loop.RunAsync(id)).PendingQuestion!;

        await _h.Service.AnswerAsync(id, CoreHarness.User("bob"), "  all of EU  ", question.Id);

        var events = await _h.EventsAsync(id);
        Assert.Equal("all of EU", events.Select(e => e.Data).OfType<HumanResponded>().Single().Text);
        Assert.Equal($"{question.Question}\nAnswered by bob: all of EU", Queued(events, MessageKeys.Question(question.Id)));
    }

    [Fact]
    public async Task Exposed_OnlyTheRequesterApproversAndOperators_MaySteer_OthersAreToldWho()
    {
        using var h = new CoreHarness(approvals: new ApprovalOptions
        {
            Exposed = true,
            Groups = new(StringComparer.OrdinalIgnoreCase) { [ApprovalOptions.OperatorsGroup] = ["web:olga"] },
        });
        var id = await h.LaunchAsync("deploy", "api", user: "alice");

        var refused = await h.Service.PauseAsync(id, CoreHarness.User("mallory"));
        Assert.Equal((RejectionCodes.SteerNotAllowed,
            $"Only the person who started thread {id}, the people who may decide its approval, or the operators group may change it."),
            (refused.Code, refused.Message));
        Assert.Equal(RejectionCodes.SteerNotAllowed, (await h.Service.AnswerAsync(id, CoreHarness.User("mallory"), "x")).Code);
        Assert.Equal(RejectionCodes.SteerNotAllowed, (await h.Service.AbortAsync(id, CoreHarness.User("mallory"), null)).Code);

        Assert.True((await h.Service.PauseAsync(id, CoreHarness.User("olga"))).Accepted);
        Assert.Equal(RejectionCodes.SteerNotAllowed, (await h.Service.ResumeAsync(id, CoreHarness.User("mallory"), null)).Code);
        Assert.True((await h.Service.ResumeAsync(id, CoreHarness.User("alice"), null)).Accepted);
    }
}
