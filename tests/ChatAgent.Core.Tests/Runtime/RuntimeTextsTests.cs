using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>Texts and keys people and the outbox see, as literals.</summary>
public sealed class RuntimeTextsTests
{
    [Fact]
    public void ErrorDetail_IsKeptUpTo500Characters_ThenCutWithHowMuchWasLeftOut()
    {
        Assert.Null(StepEvents.Compact(null));
        Assert.Equal(new string('d', 500), StepEvents.Compact(new string('d', 500)));
        Assert.Equal(new string('d', 500) + "… (1 more characters)", StepEvents.Compact(new string('d', 501)));
        Assert.Equal(new string('d', 500) + "… (700 more characters)", StepEvents.Compact(new string('d', 1200)));
    }

    [Fact]
    public void MessageKeys_AreStable()
    {
        Assert.Equal("approval:ap_1", MessageKeys.Approval("ap_1"));
        Assert.Equal("question:q_1", MessageKeys.Question("q_1"));
        Assert.Equal("nudge:ap_1:remind", MessageKeys.Nudge("ap_1", "remind"));
        Assert.Equal("step:007", MessageKeys.Step(7));
        Assert.Equal(("status", "stuck", "final"), (MessageKeys.Status, MessageKeys.Stuck, MessageKeys.Final));
    }

    [Fact]
    public void StatusLines_NameTheAgent_TheStep_AndWhoStartedIt()
    {
        var state = ThreadState.Empty with { Agent = "deploy", Step = 2, MaxSteps = 8 };

        Assert.Equal("deploy · step 2/8 · waiting for approval", StatusText.Line(state, "waiting for approval"));
        Assert.Equal("deploy: started by Alice — \"api to production\"", StatusText.Started("deploy", "api to production", Actor.User("web:alice", "Alice")));
        Assert.Equal("deploy: started by Alice", StatusText.Started("deploy", " ", Actor.User("web:alice", "Alice")));
    }

    [Fact]
    public void RandomIds_AreThePrefix_AndTenCharactersOfTheUnambiguousAlphabet()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => new RandomIdGenerator().NewId("th")).ToList();

        Assert.All(ids, id => Assert.Matches("^th_[a-km-np-z2-9]{10}$", id));
        Assert.Equal(200, ids.Distinct().Count());
    }
}
