using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Approvals;

/// <summary>
/// Maps platform ids to people, so that one person on Slack and Teams is one voter and one requester.
/// Ids compare case-insensitively; an id no person lists is its own person.
/// </summary>
public sealed class PeopleDirectory
{
    private const string PersonPrefix = "person:";
    private readonly Dictionary<string, string> _personOfId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IReadOnlyList<string>> _idsOfPerson = new(StringComparer.OrdinalIgnoreCase);

    public PeopleDirectory(IOptions<PeopleOptions> options)
    {
        foreach (var (name, ids) in options.Value.People)
        {
            var clean = ids.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).ToList();
            _idsOfPerson[name] = clean;
            foreach (var id in clean) _personOfId.TryAdd(id, name);
        }
    }

    /// <summary>An empty directory: every id is its own person.</summary>
    public static PeopleDirectory Empty { get; } = new(Options.Create(new PeopleOptions()));

    /// <summary>The person behind <paramref name="id"/>: <c>person:&lt;name&gt;</c> when configured, else the id itself.</summary>
    public string PersonOf(string id) => _personOfId.TryGetValue(id, out var name) ? PersonPrefix + name : id.ToLowerInvariant();

    public bool SamePerson(string a, string b) => string.Equals(PersonOf(a), PersonOf(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>The platform ids of the person called <paramref name="name"/>; null when no such person is configured.</summary>
    public IReadOnlyList<string>? IdsOf(string name) => _idsOfPerson.GetValueOrDefault(name);

    /// <summary>The person's name for display, or null when the id belongs to no configured person.</summary>
    public string? NameOf(string id) => _personOfId.GetValueOrDefault(id);
}
