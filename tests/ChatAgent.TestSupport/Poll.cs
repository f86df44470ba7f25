namespace ChatAgent.TestSupport;

/// <summary>
/// The one way tests wait for an asynchronous outcome (a background job, another process, a browser): poll with a
/// deadline, never a fixed sleep. A timeout says what was awaited and the last value seen.
/// </summary>
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
            await Task.Delay(25);
        }
    }
}
