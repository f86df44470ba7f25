namespace ChatAgent.Jobs.Tests.Support;

/// <summary>Waits for an asynchronous outcome (a background job, another process) by polling with a deadline; never a fixed sleep.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var last = await read();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what ?? "the condition"}; last value: {last}");
            await Task.Delay(50);
        }
    }
}
