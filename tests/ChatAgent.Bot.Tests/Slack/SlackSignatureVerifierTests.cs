using System.Text;
using ChatAgent.Bot.Slack;

namespace ChatAgent.Bot.Tests.Slack;

public sealed class SlackSignatureVerifierTests
{
    // Slack's published example ("Verifying requests from Slack").
    private const string DocsSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string DocsTimestamp = "1531420618";
    private const string DocsSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private const string DocsBody =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
        + "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com"
        + "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    private static readonly DateTimeOffset DocsTime = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    private static byte[] Body => Encoding.UTF8.GetBytes(DocsBody);

    [Fact]
    public void Sign_MatchesSlacksPublishedExample()
    {
        Assert.Equal(DocsSignature, SlackSignatureVerifier.Sign(DocsSecret, DocsTimestamp, Body));
    }

    [Fact]
    public void Verify_AcceptsSlacksPublishedExample_AtItsTime()
    {
        Assert.True(new SlackSignatureVerifier(DocsSecret, new FixedTime(DocsTime.AddSeconds(10))).Verify(DocsTimestamp, DocsSignature, Body));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Verify_RefusesTimestampsMoreThanFiveMinutesAway_InEitherDirection(int offsetSeconds)
    {
        var verifier = new SlackSignatureVerifier(DocsSecret, new FixedTime(DocsTime.AddSeconds(-offsetSeconds)));
        Assert.False(verifier.Verify(DocsTimestamp, DocsSignature, Body));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verify_AcceptsTheEdgesOfTheWindow(int offsetSeconds)
    {
        var verifier = new SlackSignatureVerifier(DocsSecret, new FixedTime(DocsTime.AddSeconds(offsetSeconds)));
        Assert.True(verifier.Verify(DocsTimestamp, DocsSignature, Body));
    }

    [Fact]
    public void Verify_RefusesATamperedBody_AWrongSecret_AndAnUppercaseSignature()
    {
        var time = new FixedTime(DocsTime);
        Assert.False(new SlackSignatureVerifier(DocsSecret, time).Verify(DocsTimestamp, DocsSignature, Encoding.UTF8.GetBytes(DocsBody + "&x=1")));
        Assert.False(new SlackSignatureVerifier(DocsSecret + "x", time).Verify(DocsTimestamp, DocsSignature, Body));
        Assert.False(new SlackSignatureVerifier(DocsSecret, time).Verify(DocsTimestamp, DocsSignature.ToUpperInvariant(), Body));
        Assert.False(new SlackSignatureVerifier(DocsSecret, time).Verify(DocsTimestamp, DocsSignature[3..], Body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_NeverAccepts_WithAnEmptySecret(string? secret)
    {
        var signature = SlackSignatureVerifier.Sign("", DocsTimestamp, Body);
        Assert.False(new SlackSignatureVerifier(secret, new FixedTime(DocsTime)).Verify(DocsTimestamp, signature, Body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-number")]
    [InlineData("-1531420618")]
    public void Verify_RefusesMissingOrGarbledTimestamps(string? timestamp)
    {
        Assert.False(new SlackSignatureVerifier(DocsSecret, new FixedTime(DocsTime)).Verify(timestamp, DocsSignature, Body));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
