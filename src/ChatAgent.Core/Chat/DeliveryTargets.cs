using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Chat;

/// <summary>
/// Where this process's outbox can post: the platforms it has a chat surface for, and whether it can send approvers
/// direct messages. A delivery is asked for only when it could post something: a thread launched over the API or a
/// webhook has no chat to post its status lines to, so its runs end without waking a delivery that would lock the
/// outbox, read the thread and find nothing to do.
/// </summary>
public sealed class DeliveryTargets
{
    /// <summary>The platforms with a surface; null: every platform (<see cref="All"/>).</summary>
    private readonly HashSet<string>? _platforms;

    private readonly bool _direct;

    public DeliveryTargets(IEnumerable<IChatSurface> surfaces, IEnumerable<IDirectMessages> direct)
    {
        _platforms = new(surfaces.Select(s => s.Platform), StringComparer.OrdinalIgnoreCase);
        _direct = direct.Any();
    }

    private DeliveryTargets()
    {
    }

    /// <summary>Every platform, as if each had a surface (a loop built without these: nothing is ever skipped).</summary>
    public static readonly DeliveryTargets All = new();

    /// <summary>
    /// True when a delivery has work in <paramref name="thread"/>: an undelivered message for its origin's chat surface,
    /// or an approval card whose copies go to approvers' direct messages (which an API thread's approvals get too).
    /// </summary>
    public bool Due(ThreadState thread)
    {
        var surface = _platforms?.Contains(thread.Origin.Platform) ?? true;
        foreach (var message in thread.Messages.Values)
            if (!message.IsDelivered && (surface || (_direct && message.Kind == "approval"))) return true;
        return false;
    }
}
