using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatAgent.Jobs.Tests.Support;

/// <summary>The REST calls the multi-process tests make, as a user would.</summary>
public static class ThreadsClient
{
    /// <summary>Launches a thread; returns its id, or null when the request did not get an answer (the process died).</summary>
    public static async Task<string?> TryLaunchAsync(HttpClient client, string input, string idempotencyKey)
    {
        try
        {
            using var response = await client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input, user = "web:alice", idempotencyKey });
            if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
                throw new InvalidOperationException($"Launch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Approves as <c>web:bob</c>; true on 200, false when the request did not get an answer.</summary>
    public static async Task<bool> TryApproveAsync(HttpClient client, string threadId, string approvalId)
    {
        try
        {
            using var response = await client.PostAsJsonAsync($"/api/threads/{threadId}/approvals/{approvalId}", new { decision = "approve", user = "web:bob" });
            if (response.StatusCode == HttpStatusCode.Conflict) return false; // decided already (a retried click)
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"Approval answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
