using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Approvals;

/// <summary>
/// Every id under <c>People:&lt;name&gt;</c> must name its platform (<c>slack:U1</c>): a bare <c>U1</c> would match
/// nobody, and the person would silently lose their approvals on that platform.
/// </summary>
public sealed class PeopleOptionsValidation : IValidateOptions<PeopleOptions>
{
    public ValidateOptionsResult Validate(string? name, PeopleOptions options)
    {
        var problems = options.People
            .SelectMany(p => p.Value.Select((id, i) => (Person: p.Key, Index: i, Id: id)))
            .Where(x => x.Id.IndexOf(':') is <= 0 || x.Id.EndsWith(':'))
            .Select(x => $"People:{x.Person}:{x.Index} is '{x.Id}', not a platform id such as slack:U123, teams:<aadObjectId>, web:<name> or github:<login>.")
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
