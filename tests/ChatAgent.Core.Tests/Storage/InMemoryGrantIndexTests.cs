using ChatAgent.Core.Grants;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;

namespace ChatAgent.Core.Tests.Storage;

public sealed class InMemoryGrantIndexTests : GrantIndexContract
{
    private readonly InMemoryEventStore _store = new();

    protected override IEventStore Store => _store;

    protected override IGrantIndex Grants => _store;

    protected override Task WipeGrantsAsync()
    {
        _store.ClearGrants();
        return Task.CompletedTask;
    }
}
