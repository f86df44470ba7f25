namespace ChatAgent.Core.Agents;

/// <summary>A template names a value the scope does not have (<see cref="Placeholder"/>, e.g. <c>args.servce</c>).</summary>
public sealed class TemplateException(string placeholder, string message) : Exception(message)
{
    public string Placeholder { get; } = placeholder;
}
