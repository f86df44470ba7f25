using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Storage;
using ChatAgent.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ChatAgent.Bot.Tests.Faults;

/// <summary>
/// 10,000 seeded mutated and random request bodies against every public POST route the running host maps (found
/// through its <see cref="EndpointDataSource"/>, so routes that land later are covered without editing this test),
/// with every chat adapter's secrets configured so the adapters are active. What a user would notice: the bot never
/// answers 5xx, stays up, and a request it refuses changes nothing (no event appended, no thread created).
/// </summary>
public sealed class RouteFuzzTests(ITestOutputHelper output)
{
    private const int Requests = 10_000;
    private const int Concurrency = 4;
    private static readonly TimeSpan TimeBound = TimeSpan.FromMinutes(4);
    private const string SlackSecret = "fuzz-slack-signing-secret";
    private const string WebhookSecret = "fuzz-webhook-secret";

    [Fact]
    public async Task MutatedAndRandomBodies_OnEveryPostRoute_NeverFail_AndRefusedRequestsAppendNothing()
    {
        // A local Bot Framework for the signing keys: an unreachable one answers 503 (try later) by design.
        await using var botFramework = new Teams.FakeBotFramework();
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?>
        {
            ["Jobs:WorkerCount"] = "2",
            // Active adapters; their far sides point at a closed loopback port (nothing leaves the machine).
            ["Slack:SigningSecret"] = SlackSecret,
            ["Slack:BotToken"] = "xoxb-fuzz",
            ["Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/",
            ["Slack:DefaultChannel"] = "C0FUZZ",
            ["Teams:AppId"] = "00000000-0000-0000-0000-00000000f022",
            ["Teams:AppPassword"] = "fuzz-teams-password",
            ["Teams:OpenIdMetadataUrl"] = botFramework.OpenIdMetadataUrl,
            ["Webhooks:github:Secret"] = WebhookSecret,
            ["Webhooks:deploy:Secret"] = WebhookSecret,
            ["Approvals:Groups:deployers:0"] = "web:bob",
            ["Approvals:Groups:sre-leads:0"] = "web:sam",
        }, services: AppendRecorder.Install);
        var recorder = host.Get<AppendRecorder>();
        var store = host.Get<IEventStore>();

        // A thread waiting for approval, so thread routes reach real state (and approval ids are real).
        var seeded = await SeedAsync(host);
        var routes = PostRoutes(host);
        output.WriteLine($"POST routes mapped: {string.Join(", ", routes.Select(r => r.RawText))}");
        Assert.Contains(routes, r => r.RawText!.StartsWith("/api/threads", StringComparison.Ordinal));

        var threadsBefore = (await store.ListAsync(new ThreadQuery(Limit: 100_000))).Count;
        var appendsBefore = recorder.Appends.Count;

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency, UseCookies = false })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var results = new ConcurrentDictionary<int, (string Route, string Mutation, int Status, string Detail)>();
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (clock.Elapsed < TimeBound)
            {
                var n = Interlocked.Increment(ref next);
                if (n >= Requests) return;
                var rng = new Random(unchecked(7919 * n + 17));
                var route = routes[n % routes.Count];
                var (request, mutation) = Build(route, seeded, rng, n);
                using (request)
                {
                    try
                    {
                        using var response = await client.SendAsync(request);
                        var status = (int)response.StatusCode;
                        var detail = status >= 500 ? Snip(await response.Content.ReadAsStringAsync()) : "";
                        results[n] = (route.RawText!, mutation, status, detail);
                    }
                    catch (HttpRequestException e)
                    {
                        results[n] = (route.RawText!, mutation, -1, e.Message);
                    }
                }
            }
        }));
        clock.Stop();

        var byRoute = results.Values.GroupBy(r => r.Route).OrderBy(g => g.Key);
        foreach (var g in byRoute)
            output.WriteLine($"{g.Key}: {g.Count()} requests; " + string.Join(", ", g.GroupBy(r => r.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Count()}")));
        output.WriteLine($"{results.Count} requests in {clock.Elapsed.TotalSeconds:F1} s");

        // Bounded in time: on a loaded machine fewer may be sent, but every route gets a real share.
        Assert.True(results.Count == Requests || clock.Elapsed >= TimeBound, $"only {results.Count} requests were sent");
        foreach (var route in routes)
            Assert.True(results.Values.Count(r => r.Route == route.RawText) >= Math.Min(100, results.Count / routes.Count),
                $"{route.RawText} was not fuzzed enough");

        var failures = results.Where(r => r.Value.Status is >= 500 or < 0).OrderBy(r => r.Key).Take(10)
            .Select(r => $"#{r.Key} {r.Value.Route} [{r.Value.Mutation}] -> {r.Value.Status} {r.Value.Detail}").ToList();
        Assert.True(failures.Count == 0, "5xx or dropped connections:\n" + string.Join("\n", failures));

        // A refused request (anything but 2xx) appended nothing.
        var refused = results.Where(r => r.Value.Status is < 200 or >= 300).Select(r => r.Key.ToString()).ToHashSet();
        var leaked = recorder.Appends.Skip(appendsBefore).Where(a => a.Request is not null && refused.Contains(a.Request)).Take(10)
            .Select(a => $"#{a.Request} {results[int.Parse(a.Request!)].Route} [{results[int.Parse(a.Request!)].Mutation}] -> {results[int.Parse(a.Request!)].Status} appended {a.Events} to {a.ThreadId}")
            .ToList();
        Assert.True(leaked.Count == 0, "refused requests appended events:\n" + string.Join("\n", leaked));

        // Threads: no more new threads than accepted requests.
        var accepted = results.Count(r => r.Value.Status is >= 200 and < 300);
        var threadsAfter = (await store.ListAsync(new ThreadQuery(Limit: 100_000))).Count;
        Assert.InRange(threadsAfter - threadsBefore, 0, accepted);
        output.WriteLine($"accepted {accepted}, refused {refused.Count}, new threads {threadsAfter - threadsBefore}");

        // The host is still up and still does its job.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
    }

    private sealed record Seeded(string ThreadId, string ApprovalId);

    private static async Task<Seeded> SeedAsync(BotHost host)
    {
        var launch = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "deploy", input = "api to production", user = "web:alice" });
        Assert.Equal(HttpStatusCode.Accepted, launch.StatusCode);
        var id = (await launch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var waiting = await Poll.UntilAsync(() => host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}"),
            s => s.GetProperty("status").GetString() == "awaiting_human", what: "the seeded thread to wait for approval");
        return new Seeded(id, waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString()!);
    }

    /// <summary>Every POST route of the running host, from its endpoint data sources.</summary>
    private static List<RoutePattern> PostRoutes(BotHost host) =>
        host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => e.RoutePattern)
            .GroupBy(p => p.RawText).Select(g => g.First())
            .OrderBy(p => p.RawText, StringComparer.Ordinal)
            .ToList();

    private static readonly string[] Mutations =
        ["valid", "bitflip", "truncate", "wrongtype", "hugestring", "badutf8", "contenttype", "random", "empty", "deep", "dupkeys", "badsignature", "nosignature", "stale"];

    private static (HttpRequestMessage, string) Build(RoutePattern route, Seeded seeded, Random rng, int n)
    {
        var path = FillPath(route, seeded, rng);
        var family = Family(path);
        var mutation = Mutations[rng.Next(Mutations.Length)];
        var (body, contentType) = ValidBody(family, path, rng);
        body = mutation switch
        {
            "bitflip" => FlipBits(body, rng),
            "truncate" => body.Length == 0 ? body : body[..rng.Next(body.Length)],
            "wrongtype" => WrongType(body, family, rng),
            "hugestring" => Huge(body, family, rng),
            "badutf8" => BadUtf8(body, rng),
            "random" => RandomBytes(rng),
            "empty" => [],
            "deep" => Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)),
            "dupkeys" => DuplicateKeys(body),
            _ => body,
        };
        if (mutation == "contenttype")
            contentType = new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "", "image/png" }[rng.Next(6)];

        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation(AppendRecorder.RequestHeader, n.ToString());
        if (contentType.Length > 0) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        Sign(request, family, body, mutation, rng);
        return (request, mutation);
    }

    private static string FillPath(RoutePattern route, Seeded seeded, Random rng)
    {
        var sb = new StringBuilder();
        foreach (var segment in route.PathSegments)
        {
            sb.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart l: sb.Append(l.Content); break;
                    case RoutePatternSeparatorPart s: sb.Append(s.Content); break;
                    case RoutePatternParameterPart p:
                        var name = p.Name.ToLowerInvariant();
                        var real = name.Contains("approval") ? seeded.ApprovalId
                            : name is "id" or "threadid" ? seeded.ThreadId
                            : name is "name" or "agent" ? new[] { "github", "github", "deploy", "incident" }[rng.Next(4)]
                            : "x";
                        sb.Append(Uri.EscapeDataString(rng.Next(4) == 0 ? Garbage(rng, rng.Next(1, 40)) : real));
                        break;
                }
            }
        }
        return sb.Length == 0 ? "/" : sb.ToString();
    }

    private static string Family(string path) =>
        path.StartsWith("/slack/", StringComparison.Ordinal) ? "slack"
        : path.StartsWith("/api/messages", StringComparison.Ordinal) ? "teams"
        : path.StartsWith("/webhooks/", StringComparison.Ordinal) ? "webhook"
        : "api";

    private static (byte[], string) ValidBody(string family, string path, Random rng)
    {
        const string json = "application/json";
        switch (family)
        {
            case "slack" when path.EndsWith("/commands", StringComparison.Ordinal):
                return (Form(("token", "legacy"), ("team_id", "T0FUZZ"), ("team_domain", "fuzz"), ("channel_id", "C0FUZZ"), ("channel_name", "ops"),
                    ("user_id", "U0FUZZ"), ("user_name", "alice"), ("command", "/deploy"), ("text", rng.Next(2) == 0 ? "api to staging" : "help"),
                    ("response_url", "http://127.0.0.1:9/response"), ("trigger_id", "1.2.3")), "application/x-www-form-urlencoded");
            case "slack" when path.EndsWith("/interactions", StringComparison.Ordinal):
                var payload = new JsonObject
                {
                    ["type"] = "block_actions",
                    ["user"] = new JsonObject { ["id"] = "U0FUZZ", ["username"] = "bob" },
                    ["team"] = new JsonObject { ["id"] = "T0FUZZ" },
                    ["channel"] = new JsonObject { ["id"] = "C0FUZZ" },
                    ["response_url"] = "http://127.0.0.1:9/response",
                    ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "approve", ["value"] = "thr_x|apr_x", ["type"] = "button" }),
                };
                return (Form(("payload", payload.ToJsonString())), "application/x-www-form-urlencoded");
            case "slack":
                var ev = rng.Next(2) == 0
                    ? new JsonObject { ["type"] = "url_verification", ["challenge"] = "fuzz-challenge", ["token"] = "legacy" }
                    : new JsonObject
                    {
                        ["type"] = "event_callback", ["team_id"] = "T0FUZZ", ["event_id"] = "Ev" + rng.Next(),
                        ["event"] = new JsonObject { ["type"] = "app_mention", ["user"] = "U0FUZZ", ["text"] = "<@UBOT> deploy api to staging", ["channel"] = "C0FUZZ", ["ts"] = "1700000000.000100" },
                    };
                return (Encoding.UTF8.GetBytes(ev.ToJsonString()), json);
            case "teams":
                var activity = new JsonObject
                {
                    ["type"] = "message", ["id"] = "1", ["serviceUrl"] = "http://127.0.0.1:9/", ["channelId"] = "msteams", ["text"] = "deploy api to staging",
                    ["from"] = new JsonObject { ["id"] = "29:fuzz", ["aadObjectId"] = "00000000-0000-0000-0000-000000000001" },
                    ["conversation"] = new JsonObject { ["id"] = "19:fuzz", ["tenantId"] = "00000000-0000-0000-0000-000000000002" },
                    ["recipient"] = new JsonObject { ["id"] = "28:bot" },
                };
                return (Encoding.UTF8.GetBytes(activity.ToJsonString()), json);
            case "webhook":
                return (Encoding.UTF8.GetBytes(new JsonObject
                {
                    ["action"] = rng.Next(2) == 0 ? "closed" : "opened",
                    ["repository"] = new JsonObject { ["name"] = "api" },
                    ["pull_request"] = new JsonObject { ["merged"] = rng.Next(2) == 0 },
                }.ToJsonString()), json);
            default:
                var body = new JsonObject { ["user"] = path.StartsWith("/webchat", StringComparison.Ordinal) ? "fuzz" : "web:fuzz" };
                if (path.StartsWith("/webchat", StringComparison.Ordinal) && rng.Next(2) == 0) body["session"] = "s-" + rng.Next(10);
                if (path.EndsWith("/threads", StringComparison.Ordinal) || path.EndsWith("/threads/", StringComparison.Ordinal))
                {
                    body["agent"] = new[] { "deploy", "incident", "daily-summary", "nope" }[rng.Next(4)];
                    body["input"] = "api to staging";
                    if (rng.Next(2) == 0) body["idempotencyKey"] = "fuzz-" + rng.Next(50);
                }
                if (path.Contains("/approvals/", StringComparison.Ordinal)) { body["decision"] = rng.Next(2) == 0 ? "approve" : "deny"; body["comment"] = "ok"; }
                if (path.EndsWith("/answer", StringComparison.Ordinal)) body["text"] = "42";
                if (path.EndsWith("/resume", StringComparison.Ordinal)) body["feedback"] = "go on";
                if (path.EndsWith("/abort", StringComparison.Ordinal)) body["reason"] = "fuzz";
                if (path.EndsWith("/messages", StringComparison.Ordinal) || path.Contains("chat", StringComparison.Ordinal)) body["text"] = "deploy api to staging";
                if (path.EndsWith("/commands", StringComparison.Ordinal)) body["line"] = new[] { "deploy api to staging", "help", "pending", "status th_nope", "nope" }[rng.Next(5)];
                return (Encoding.UTF8.GetBytes(body.ToJsonString()), json);
        }
    }

    /// <summary>Slack requests are signed with the configured secret over the (mutated) body unless the mutation is about signatures.</summary>
    private static void Sign(HttpRequestMessage request, string family, byte[] body, string mutation, Random rng)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (family)
        {
            case "slack":
                if (mutation == "nosignature") return;
                var ts = mutation == "stale" ? now - 3600 : now;
                var signature = mutation == "badsignature"
                    ? new[] { "v0=" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "v0=", "garbage", "v1=" + new string('0', 64), Garbage(rng, 80, ascii: true) }[rng.Next(5)]
                    : "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SlackSecret), (byte[])[.. Encoding.UTF8.GetBytes($"v0:{ts}:"), .. body]));
                request.Headers.TryAddWithoutValidation("X-Slack-Request-Timestamp", mutation == "badsignature" && rng.Next(3) == 0 ? Garbage(rng, 12, ascii: true) : ts.ToString());
                request.Headers.TryAddWithoutValidation("X-Slack-Signature", signature);
                break;
            case "teams":
                if (mutation == "nosignature") return;
                request.Headers.TryAddWithoutValidation("Authorization", new[]
                {
                    "Bearer " + B64(rng, 20) + "." + B64(rng, 60) + "." + B64(rng, 40),
                    "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJhdWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMGYwMjIifQ.",
                    "Bearer", "Basic Zm9vOmJhcg==", Garbage(rng, 30, ascii: true),
                }[rng.Next(5)]);
                break;
            case "webhook":
                if (mutation == "nosignature") return;
                request.Headers.TryAddWithoutValidation("X-GitHub-Delivery", "d-" + rng.Next(100));
                var key = Encoding.UTF8.GetBytes(WebhookSecret);
                if (rng.Next(2) == 0)
                {
                    // GitHub style: HMAC over the body.
                    var mac = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
                    request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", mutation == "badsignature" ? Garbage(rng, 70, ascii: true) : mac);
                }
                else
                {
                    // Generic style: HMAC over "{timestamp}.{body}" with a timestamp header.
                    var stamp = (mutation == "stale" ? now - 3600 : now).ToString();
                    var mac = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes(stamp + "."), .. body]));
                    request.Headers.TryAddWithoutValidation("X-Signature-256", mutation == "badsignature" ? Garbage(rng, 70, ascii: true) : mac);
                    request.Headers.TryAddWithoutValidation("X-Signature-Timestamp", mutation == "badsignature" && rng.Next(2) == 0 ? Garbage(rng, 12, ascii: true) : stamp);
                }
                break;
            default:
                if (mutation == "badsignature") request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Garbage(rng, 30, ascii: true));
                break;
        }
    }

    private static byte[] Form(params (string Key, string Value)[] fields) =>
        Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value))));

    private static byte[] FlipBits(byte[] body, Random rng)
    {
        if (body.Length == 0) return body;
        var copy = (byte[])body.Clone();
        for (var i = rng.Next(1, 9); i > 0; i--) copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
        return copy;
    }

    private static byte[] WrongType(byte[] body, string family, Random rng)
    {
        JsonNode? replacement = rng.Next(5) switch
        {
            0 => 12345,
            1 => new JsonArray(1, "two", null),
            2 => new JsonObject { ["nested"] = true },
            3 => null,
            _ => 1e308,
        };
        if (family == "slack" && body.Length > 0 && body[0] != '{')
        {
            // Form bodies: a field's value becomes JSON of another type, or a key loses its value.
            var text = Encoding.UTF8.GetString(body);
            var parts = text.Split('&');
            var i = rng.Next(parts.Length);
            var key = parts[i].Split('=')[0];
            parts[i] = rng.Next(2) == 0 ? key : key + "=" + Uri.EscapeDataString(replacement?.ToJsonString() ?? "null");
            return Encoding.UTF8.GetBytes(string.Join('&', parts));
        }
        if (JsonNode.Parse(body) is not JsonObject obj || obj.Count == 0) return body;
        var name = obj.ElementAt(rng.Next(obj.Count)).Key;
        obj[name] = replacement;
        return rng.Next(8) == 0 ? Encoding.UTF8.GetBytes(new JsonArray(obj.DeepClone()).ToJsonString()) : Encoding.UTF8.GetBytes(obj.ToJsonString());
    }

    private static byte[] Huge(byte[] body, string family, Random rng)
    {
        var huge = new string((char)('a' + rng.Next(26)), rng.Next(64_000, 600_000));
        if (family == "slack" && body.Length > 0 && body[0] != '{')
            return [.. body, .. Encoding.UTF8.GetBytes("&text=" + huge)];
        if (JsonNode.Parse(body) is not JsonObject obj || obj.Count == 0) return Encoding.UTF8.GetBytes(huge);
        obj[obj.ElementAt(rng.Next(obj.Count)).Key] = huge;
        return Encoding.UTF8.GetBytes(obj.ToJsonString());
    }

    private static byte[] BadUtf8(byte[] body, Random rng)
    {
        byte[][] bad = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF0, 0x28, 0x8C, 0x28], [0xC0, 0xAF], [0xE2, 0x82]];
        var at = body.Length == 0 ? 0 : rng.Next(body.Length);
        return [.. body[..at], .. bad[rng.Next(bad.Length)], .. body[at..]];
    }

    private static byte[] DuplicateKeys(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        if (!text.StartsWith('{') || text.Length < 3) return [.. body, .. body];
        return Encoding.UTF8.GetBytes("{" + text[1..^1] + "," + text[1..]);
    }

    private static byte[] RandomBytes(Random rng)
    {
        var bytes = new byte[rng.Next(0, 4096)];
        rng.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Garbage text; <paramref name="ascii"/> for header values (HttpClient refuses to send anything else).</summary>
    private static string Garbage(Random rng, int length, bool ascii = false)
    {
        var chars = ascii ? "abcXYZ019{}[]\"':,.;/\\%&=?#@!$^*()<> \t" : "abcXYZ019{}[]\"':,.;/\\%&=?#@!$^*()<> \t\u00e9\u4e2d\ud83d\ude00";
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++) sb.Append(chars[rng.Next(chars.Length)]);
        return sb.ToString();
    }

    private static string B64(Random rng, int bytes)
    {
        var b = new byte[bytes];
        rng.NextBytes(b);
        return Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static string Snip(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
