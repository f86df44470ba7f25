using System.Text;
using ChatAgent.Bot.Webhooks;
using Microsoft.AspNetCore.Http;

namespace ChatAgent.Bot.Tests.Webhooks;

/// <summary>
/// Known answers, not the production signer checked against itself. GitHub's vector is the one in GitHub's webhook
/// documentation (secret "It's a Secret to Everybody", payload "Hello, World!"); the generic one was computed with
/// <c>printf '1700000000.{"ok":true}' | openssl dgst -sha256 -hmac s3cret</c>.
/// </summary>
public sealed class WebhookSignatureTests
{
    private const string GitHubSecret = "It's a Secret to Everybody";
    private static readonly byte[] GitHubBody = Encoding.UTF8.GetBytes("Hello, World!");
    private const string GitHubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private const string Secret = "s3cret";
    private const string Timestamp = "1700000000";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1700000000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"ok":true}""");
    private const string Signature = "sha256=95e532fd0d484d8db110942dc66b379dd229f38f9f5df856e97709db2bb1e3ac";

    [Fact]
    public void GitHub_DocumentedVector_IsAccepted_AndIsWhatWeSign()
    {
        Assert.Null(WebhookSignature.Verify(GitHubSecret, GitHubBody, Headers((WebhookSignature.GitHubHeader, GitHubSignature)), SignedAt));
        Assert.Null(WebhookSignature.Verify(GitHubSecret, GitHubBody, Headers((WebhookSignature.GitHubHeader, GitHubSignature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal))), SignedAt));
        Assert.Equal(GitHubSignature, WebhookSignature.SignGitHub(GitHubSecret, GitHubBody));
    }

    [Theory]
    [InlineData("sha256=857107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")] // first digit changed
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")] // no scheme
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e")] // truncated
    [InlineData("sha256=not-hex")]
    public void GitHub_AnyOtherSignature_IsRefused(string signature) =>
        Assert.Equal("The X-Hub-Signature-256 signature does not match the body.",
            WebhookSignature.Verify(GitHubSecret, GitHubBody, Headers((WebhookSignature.GitHubHeader, signature)), SignedAt));

    [Fact]
    public void GitHub_SameSignatureOverAnotherBody_IsRefused() =>
        Assert.Equal("The X-Hub-Signature-256 signature does not match the body.",
            WebhookSignature.Verify(GitHubSecret, Encoding.UTF8.GetBytes("Hello, World?"), Headers((WebhookSignature.GitHubHeader, GitHubSignature)), SignedAt));

    [Fact]
    public void Generic_KnownVector_IsAccepted_WithinFiveMinutesEitherWay_AndIsWhatWeSign()
    {
        foreach (var now in new[] { SignedAt, SignedAt.AddMinutes(5), SignedAt.AddMinutes(-5) })
            Assert.Null(WebhookSignature.Verify(Secret, Body, Generic(Timestamp, Signature), now));
        Assert.Equal(Signature, WebhookSignature.SignGeneric(Secret, Timestamp, Body));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void Generic_KnownVector_IsRefused_MoreThanFiveMinutesAway(int seconds) =>
        Assert.Equal("X-Signature-Timestamp is more than 5 minutes from now.",
            WebhookSignature.Verify(Secret, Body, Generic(Timestamp, Signature), SignedAt.AddSeconds(seconds)));

    [Fact]
    public void Generic_TheTimestampIsSigned_AnotherTimestampWithTheSameSignatureIsRefused() =>
        Assert.Equal("The X-Signature-256 signature does not match the body.",
            WebhookSignature.Verify(Secret, Body, Generic("1700000001", Signature), SignedAt));

    [Fact]
    public void Generic_TheBodyIsSigned_AndTheSecretMatters()
    {
        const string mismatch = "The X-Signature-256 signature does not match the body.";
        Assert.Equal(mismatch, WebhookSignature.Verify(Secret, Encoding.UTF8.GetBytes("""{"ok":false}"""), Generic(Timestamp, Signature), SignedAt));
        Assert.Equal(mismatch, WebhookSignature.Verify("s3cret!", Body, Generic(Timestamp, Signature), SignedAt));
    }

    [Theory]
    [InlineData("", "Send X-Hub-Signature-256, or X-Signature-256 with X-Signature-Timestamp.")]
    [InlineData("17e8", "X-Signature-Timestamp must be unix seconds.")]
    [InlineData("-1700000000", "X-Signature-Timestamp must be unix seconds.")]
    public void Generic_MissingOrMalformedParts_AreNamed(string timestamp, string expected)
    {
        var headers = timestamp.Length == 0 ? Headers() : Generic(timestamp, Signature);
        Assert.Equal(expected, WebhookSignature.Verify(Secret, Body, headers, SignedAt));
    }

    private static HeaderDictionary Generic(string timestamp, string signature) =>
        Headers((WebhookSignature.Header, signature), (WebhookSignature.TimestampHeader, timestamp));

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return dictionary;
    }
}
