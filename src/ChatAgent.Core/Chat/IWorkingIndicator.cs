using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Chat;

/// <summary>
/// Shows the people in a thread's conversation that the bot is working on a step (Teams' typing indicator), the
/// way a colleague's "is typing…" tells them an answer is coming. The loop calls <see cref="Begin"/> as a step
/// starts and disposes the handle when the step's events are written.
/// </summary>
public interface IWorkingIndicator
{
    /// <summary>Starts showing work on <paramref name="thread"/>; must return at once and never throw.</summary>
    IAsyncDisposable Begin(ThreadState thread);
}
