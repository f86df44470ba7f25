using ChatAgent.Core.Agents;

namespace ChatAgent.Core.Tests.Agents;

public sealed class CronExpressionValidatorTests
{
    [Theory]
    [InlineData("0 9 * * 1-5")]
    [InlineData("*/15 * * * *")]
    [InlineData("0 0,12 1 1-12/2 0")]
    public void ValidSchedules_Pass(string cron) => Assert.Null(CronExpressionValidator.Validate(cron));

    [Theory]
    [InlineData("60 * * * *")]
    [InlineData("* * 0 * *")]
    [InlineData("* * * 13 *")]
    [InlineData("* * * * 7")]
    [InlineData("5-1 * * * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("0 9 ? * MON")]
    [InlineData("0 0 9 * * 1")]
    [InlineData("")]
    public void InvalidSchedules_AreExplained(string cron) => Assert.NotNull(CronExpressionValidator.Validate(cron));
}
