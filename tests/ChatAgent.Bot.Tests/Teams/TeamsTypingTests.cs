using System.Net;
using ChatAgent.Bot.Tests.Planners;
using ChatAgent.Bot.Tests.Support;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// On the real host: while the model thinks about a Teams thread's step, the conversation shows "ChatAgent is
/// typing…". The model is held until the indicator has arrived, so the step is long for certain, not by a sleep.
/// </summary>
public sealed class TeamsTypingTests
{
    [Fact]
    public async Task WhileTheModelThinks_TheConversationShowsTyping_BeforeTheAnswer()
    {
        var typingSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var model = new FakeModelServer(async _ =>
        {
            await typingSeen.Task.WaitAsync(TeamsTestBed.Patience);
            return (200, ModelPlannerWireTests.ToolCall("openai", "done", """{"summary":"api is on staging"}"""));
        });
        await using var bed = await TeamsTestBed.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Llm:Provider"] = "openai",
            ["Llm:Model"] = "gpt-test",
            ["Llm:ApiKey"] = "sk-test",
            ["Llm:BaseUrl"] = model.BaseUrl + "v1",
        });
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("deploy api to staging"))).StatusCode);

        var typing = await Poll.UntilAsync(() => Task.FromResult(bed.Fake.TypingCalls.FirstOrDefault()), c => c is not null, TeamsTestBed.Patience, "a typing indicator while the model thinks");
        Assert.Equal("POST", typing!.Method);
        Assert.StartsWith("/connector/v3/conversations/" + Uri.EscapeDataString(TeamsTestBed.Conversation) + "/activities", typing.Path);
        Assert.Equal("Bearer " + bed.Fake.IssuedToken, typing.Authorization);
        Assert.Single(model.Requests);
        typingSeen.SetResult();

        var answer = await bed.ConnectorCallAsync(c => c.Text?.Contains("api is on staging") == true, "the final answer");
        var calls = bed.Fake.Calls.Where(c => c.Path.StartsWith("/connector/", StringComparison.Ordinal)).ToList();
        Assert.True(calls.IndexOf(typing) < calls.FindIndex(c => c.Text?.Contains("api is on staging") == true), "typing came before the answer");
        Assert.Equal(201, answer.Status);
    }
}
