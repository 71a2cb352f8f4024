using DBackup.Operator.Backups;

namespace DBackup.Operator.Tests.Backups;

public sealed class RetentionDurationTests
{
    [Theory]
    [InlineData("720h", 720 * 3600)]
    [InlineData("30d", 30 * 86400)]
    [InlineData("1d12h", 36 * 3600)]
    [InlineData("90m", 5400)]
    [InlineData("45s", 45)]
    [InlineData("1h30m15s", 5415)]
    public void Parse_ReturnsDuration_WhenTextIsValid(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetentionDuration.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("1w")]
    [InlineData("-5h")]
    [InlineData("0h")]
    [InlineData("h")]
    [InlineData("99999999999d")]
    public void Parse_Throws_WhenTextIsNotAPositiveDuration(string text) =>
        Assert.Throws<FormatException>(() => RetentionDuration.Parse(text));
}
