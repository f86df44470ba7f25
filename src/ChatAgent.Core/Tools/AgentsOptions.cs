namespace ChatAgent.Core.Tools;

/// <summary>Where agents live (configuration <c>Agents:Path</c>) and where shell tools keep data (<c>Agents:DataDir</c>).</summary>
public sealed class AgentsOptions
{
    public const string Section = "Agents";

    public string Path { get; set; } = "agents";

    /// <summary>Given to shell tools as <c>CHATAGENT_DATA_DIR</c>; default <c>&lt;Path&gt;/../data</c>, created when missing.</summary>
    public string? DataDir { get; set; }

    /// <summary>The folder of workflow YAML files (configuration <c>Workflows:Path</c>); null or missing: no workflows.</summary>
    public string? WorkflowsPath { get; set; }

    public string EffectiveDataDir => System.IO.Path.GetFullPath(DataDir ?? System.IO.Path.Combine(Path, "..", "data"));
}
