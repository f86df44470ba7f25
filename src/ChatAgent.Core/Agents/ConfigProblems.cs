using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ChatAgent.Core.Agents;

/// <summary>Collects loader problems as <c>file:line: message</c> (line from YamlDotNet's marks, 1-based).</summary>
internal sealed class ConfigProblems
{
    private readonly List<string> _items = [];

    public IReadOnlyList<string> Items => _items;

    public void Add(string file, YamlNode? node, string message) => Add(file, node?.Start, message);

    public void Add(string file, Mark? mark, string message) =>
        _items.Add(mark is { Line: > 0 } m ? $"{file}:{m.Line}: {message}" : $"{file}: {message}");

    public void ThrowIfAny()
    {
        if (_items.Count > 0) throw new AgentConfigurationException(_items);
    }
}
