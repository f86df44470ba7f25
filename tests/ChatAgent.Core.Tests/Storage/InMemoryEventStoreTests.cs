using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;

namespace ChatAgent.Core.Tests.Storage;

public sealed class InMemoryEventStoreTests : EventStoreContract
{
    private readonly InMemoryEventStore _store = new();

    protected override IEventStore Store => _store;

    protected override Task<IEventStore> CreateUninitializedStoreAsync() => Task.FromResult<IEventStore>(new InMemoryEventStore());

    protected override Task WipeProjectionAsync()
    {
        _store.ClearProjection();
        return Task.CompletedTask;
    }
}
