using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>A dry run of a Teams thread sends the Bot Connector nothing: no activity, no card, no typing.</summary>
public sealed class TeamsForkTests
{
    [Fact]
    public async Task AForkOfATeamsDeploy_SendsTheBotConnectorNothing()
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres: true, settings: new Dictionary<string, string?> { ["Api:Keys:ci:Key"] = "k-fork-teams" });
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("<at>ChatAgent</at> deploy api to production"))).StatusCode);
        var threads = bed.Host.Get<ThreadService>();
        var origin = (await bed.Host.Get<IEventStore>().ListAsync(new ThreadQuery())).Single().Id;
        var waiting = await ChatAgent.TestSupport.Poll.UntilAsync(() => threads.GetStateAsync(origin), s => s!.PendingApprovals.Count == 1, TeamsTestBed.Patience, "the approval request");
        Assert.True((await threads.DecideApprovalAsync(origin, waiting!.PendingApprovals[0].Id, true, Actor.User("teams:aad-bob", "Bob"), null)).Accepted);
        await ChatAgent.TestSupport.Poll.UntilAsync(() => threads.GetStateAsync(origin), s => s!.IsEnded && s.Messages.Values.All(m => m.IsDelivered), TeamsTestBed.Patience, "the deploy to end, its messages delivered");
        var calls = bed.Fake.Calls.Count;

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/threads/{origin}/fork") { Content = JsonContent.Create(new { at = 2, dryRun = true }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k-fork-teams");
        var response = await bed.Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var fork = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var done = await ChatAgent.TestSupport.Poll.UntilAsync(() => threads.GetStateAsync(fork), s => s!.IsEnded, TeamsTestBed.Patience, "the dry run to end");

        Assert.Equal(("completed", "api"), (done!.Status.WireName(), done.Origin.Platform));
        Assert.DoesNotContain(await bed.Host.Get<IEventStore>().ReadAsync(fork), e => e.Data is MessagePosted);
        Assert.Equal(calls, bed.Fake.Calls.Count);
    }
}
