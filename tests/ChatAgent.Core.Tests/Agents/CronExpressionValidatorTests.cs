using ChatAgent.Core.Agents;

namespace ChatAgent.Core.Tests.Agents;

public sealed class CronExpressionValidatorTests
{
    [Theory]
    [InlineData("0 9 * * 1-5")]
    [InlineData("*/15 * * * *")]
    [InlineData("0 0,12 1 1-12/2 0")]
    [InlineData("* * * * 7")] // Sunday, as in Hangfire (Cronos)
    [InlineData("0 9 * * MON-FRI")]
    [InlineData("0 9 ? * MON")]
    [InlineData("0 0 L * *")]
    [InlineData("0 9 * * 1#2")]
    public void SchedulesHangfireRuns_Pass(string cron) => Assert.Null(CronExpressionValidator.Validate(cron));

    [Theory]
    [InlineData("60 * * * *", "cron '60 * * * *' is invalid: Minutes: Value must be a number between 0 and 59")]
    [InlineData("* * 0 * *", "cron '* * 0 * *' is invalid: Days of month: Value must be a number between 1 and 31")]
    [InlineData("* * * 13 *", "cron '* * * 13 *' is invalid: Months: Value must be a number between 1 and 12")]
    [InlineData("* * * * 8", "cron '* * * * 8' is invalid: Days of week: Value must be a number between 0 and 7")]
    [InlineData("*/0 * * * *", "cron '*/0 * * * *' is invalid: Minutes: Value must be a number between 1 and 59")]
    [InlineData("0 9 * * FUNDAY", "cron '0 9 * * FUNDAY' is invalid: Days of week:")]
    [InlineData("0 0 9 * * 1", "cron '0 0 9 * * 1' must have 5 fields (minute hour day-of-month month day-of-week), not 6")]
    [InlineData("", "cron '' must have 5 fields (minute hour day-of-month month day-of-week), not 0")]
    public void SchedulesHangfireWouldRefuse_AreExplained(string cron, string expected)
    {
        var error = CronExpressionValidator.Validate(cron);
        Assert.NotNull(error);
        Assert.StartsWith(expected, error);
    }
}
