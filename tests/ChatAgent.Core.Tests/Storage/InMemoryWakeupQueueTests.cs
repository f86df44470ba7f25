using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;

namespace ChatAgent.Core.Tests.Storage;

public sealed class InMemoryWakeupQueueTests : WakeupQueueContract
{
    private readonly InMemoryEventStore _store = new();

    protected override IEventStore Store => _store;

    protected override IWakeupQueue Wakeups => _store;
}
