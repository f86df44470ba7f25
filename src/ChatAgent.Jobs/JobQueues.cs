namespace ChatAgent.Jobs;

/// <summary>Hangfire queue names. Threads and deliveries have their own queues so a chat outage never starves the loop.</summary>
public static class JobQueues
{
    public const string Threads = "threads";
    public const string Outbox = "outbox";
    public const string Default = "default";

    public static readonly string[] All = [Threads, Outbox, Default];
}
