using Muxly.Scheduler;

namespace Muxly.Tests.Scheduler;

/// <summary>The waits between a job's attempts.</summary>
public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(300);

    [Theory]
    [InlineData("exponential", new[] { 5.0, 10, 20, 40, 80, 160, 300, 300 })]
    [InlineData("linear", new[] { 5.0, 10, 15, 20, 25, 30, 35, 40 })]
    [InlineData("fixed", new[] { 5.0, 5, 5, 5, 5, 5, 5, 5 })]
    [InlineData("none", new[] { 0.0, 0, 0, 0, 0, 0, 0, 0 })]
    public void Delay_GrowsPerStrategyUpToTheMaximum(string strategy, double[] seconds)
    {
        var delays = Enumerable.Range(1, seconds.Length).Select(n => RetryBackoff.Delay(strategy, n, Base, Max).TotalSeconds);

        Assert.Equal(seconds, delays);
    }

    [Fact]
    public void Delay_NeverOverflowsForManyRetries()
    {
        Assert.Equal(Max, RetryBackoff.Delay("exponential", 100, Base, Max));
    }

    [Fact]
    public void DelayWithJitter_StaysWithinTheSpreadAndTheCap()
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var delay = RetryBackoff.DelayWithJitter("exponential", 2, Base, Max, 0.2, random).TotalSeconds;
            Assert.InRange(delay, 8.0, 12.0);
            Assert.InRange(RetryBackoff.DelayWithJitter("fixed", 1, Max, Max, 0.2, random).TotalSeconds, 240.0, 300.0);
        }
    }

    [Fact]
    public void Delay_RefusesAnUnknownStrategy()
    {
        var error = Assert.Throws<MuxlyException>(() => RetryBackoff.Delay("quadratic", 1, Base, Max));

        Assert.Equal("MuxlyJobBackoffStrategyInvalid", error.ErrorId);
    }
}
