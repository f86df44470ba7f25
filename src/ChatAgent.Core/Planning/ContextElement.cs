using System.Text;

namespace ChatAgent.Core.Planning;

/// <summary>Writes one XML-like element; attributes with a null value are left out, content is escaped.</summary>
internal static class ContextElement
{
    public static string Tag(string name, IEnumerable<(string Name, string? Value)> attributes, string? content = null)
    {
        var sb = new StringBuilder("<").Append(name);
        foreach (var (attr, value) in attributes)
        {
            if (value is not null) sb.Append(' ').Append(attr).Append("=\"").Append(ContextText.Attr(value)).Append('"');
        }
        if (string.IsNullOrEmpty(content)) return sb.Append("/>").ToString();
        return sb.Append('>').Append(ContextText.Escape(content)).Append("</").Append(name).Append('>').ToString();
    }

    /// <summary>An opening tag only, for a section whose children follow on their own lines.</summary>
    public static string Open(string name, IEnumerable<(string Name, string? Value)> attributes) => Tag(name, attributes)[..^2] + ">";

    /// <summary>Like <see cref="Tag"/>, but the content is child elements already rendered (not escaped again).</summary>
    public static string Parent(string name, IEnumerable<(string Name, string? Value)> attributes, string children)
    {
        return string.IsNullOrEmpty(children) ? Tag(name, attributes) : Open(name, attributes) + children + "</" + name + ">";
    }
}
