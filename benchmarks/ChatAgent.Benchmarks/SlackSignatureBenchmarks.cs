using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using ChatAgent.Bot.Slack;

namespace ChatAgent.Benchmarks;

/// <summary>
/// Slack request signing as <c>POST /slack/*</c> checks it: HMAC-SHA256 over <c>v0:{timestamp}:{body}</c>, timestamp
/// window and a constant-time compare, for a typical slash-command body (~400 bytes) and a large interaction
/// payload (~8 KB). The forged case does the same work and must cost the same (constant time).
/// </summary>
[MemoryDiagnoser]
public class SlackSignatureBenchmarks
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private SlackSignatureVerifier _verifier = null!;
    private byte[] _body = [];
    private string _timestamp = "";
    private string _signature = "";
    private string _forged = "";

    [Params(400, 8_000)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _verifier = new SlackSignatureVerifier(Secret, TimeProvider.System);
        var form = new StringBuilder("token=x&team_id=T1&team_domain=acme&channel_id=C1&channel_name=deploys&user_id=U1&user_name=alice"
            + "&command=%2Fdeploy&text=api+to+production&api_app_id=A1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1%2F2%2F3&trigger_id=");
        while (form.Length < BodyBytes) form.Append('7');
        _body = Encoding.UTF8.GetBytes(form.ToString());
        _timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _signature = SlackSignatureVerifier.Sign(Secret, _timestamp, _body);
        _forged = _signature[..^1] + (_signature[^1] == '0' ? '1' : '0');
    }

    [Benchmark(Description = "verify a valid signature")]
    public bool Valid() => _verifier.Verify(_timestamp, _signature, _body);

    [Benchmark(Description = "refuse a forged signature")]
    public bool Forged() => _verifier.Verify(_timestamp, _forged, _body);
}
