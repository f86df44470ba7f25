using ChatAgent.Core.Chat;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.InMemory;

namespace ChatAgent.Core.Tests.Storage;

public sealed class InMemoryConversationsTests : ConversationsContract
{
    private readonly InMemoryEventStore _store = new();

    protected override IEventStore Store => _store;

    protected override IConversationIndex Index => _store.Conversations;

    protected override IConversationReferences References => _store.Conversations;
}
