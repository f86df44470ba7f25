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

    /// <summary>
    /// How much lower than the calling run's the CPU priority of shell tools is (<c>Agents:ShellNiceness</c>, Unix
    /// niceness added with <c>nice -n</c>; 0: the run's own, which <c>Jobs:WorkNiceness</c> already puts below the
    /// host's). A burst of builds and deploys then takes the CPU the host leaves over, never the time it needs to
    /// answer requests.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 19)]
    public int ShellNiceness { get; set; } = 10;

    public string EffectiveDataDir => System.IO.Path.GetFullPath(DataDir ?? System.IO.Path.Combine(Path, "..", "data"));
}
