namespace ChatAgent.Core.Tools;

/// <summary>
/// A tool is data (factor 4): a name, a description and a JSON Schema the model sees, plus how it runs
/// and how risky it is. The loop owns execution; the model only ever sees the declaration.
/// </summary>
/// <param name="ParametersSchema">JSON Schema (draft 7 or later) for the parameters object, as JSON text.</param>
/// <param name="Idempotent">Safe to run twice with the same tool-call id (the idempotency key): re-run after a crash, retried on transient failures.</param>
/// <param name="Approval">The approval policy; required when <see cref="Kind"/> is <see cref="ToolKind.RequiresApproval"/>.</param>
public sealed record ToolDefinition(
    string Name,
    string Description,
    ToolKind Kind,
    string ParametersSchema,
    RunnerSpec Runner,
    bool Idempotent = false,
    ApprovalPolicy? Approval = null)
{
    /// <summary>Checks run before the call (and before any approval); a failed one blocks it with a <c>precondition</c> error.</summary>
    public IReadOnlyList<ToolCheck> Preconditions { get; init; } = [];

    /// <summary>Checks run after a successful call; a failed one turns the step into a <c>verification</c> error.</summary>
    public IReadOnlyList<ToolCheck> Verify { get; init; } = [];
}

/// <summary>
/// How a tool runs. <see cref="Type"/>: <c>builtin</c> (<see cref="Target"/> names the built-in),
/// <c>http</c> (<see cref="Target"/> is the URL; the body is HMAC-signed with the secret from
/// configuration <c>Tools__Secrets__&lt;SecretName&gt;</c>), <c>shell</c> (<see cref="Target"/> is a script
/// path relative to the agents folder, which must lie under its <c>scripts/</c> folder).
/// </summary>
public sealed record RunnerSpec(string Type, string Target, TimeSpan Timeout, int Retries = 0, string? SecretName = null)
{
    public const string Builtin = "builtin";
    public const string Http = "http";
    public const string Shell = "shell";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static RunnerSpec ForBuiltin(string name) => new(Builtin, name, DefaultTimeout);
}
