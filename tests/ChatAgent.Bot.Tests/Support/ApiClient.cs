using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Support;

/// <summary>Small helpers over the REST API for tests.</summary>
public static class ApiClient
{
    public static async Task<string> LaunchAsync(this BotHost host, string agent, string input, string user = "web:alice")
    {
        var response = await host.Client.PostAsJsonAsync("/api/threads", new { agent, input, user });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static Task<JsonElement> StateAsync(this BotHost host, string id) =>
        host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}");

    public static Task<JsonElement> WaitForStatusAsync(this BotHost host, string id, string status) =>
        Poll.UntilAsync(() => host.StateAsync(id), s => s.GetProperty("status").GetString() == status, what: $"thread {id} to be {status}");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
