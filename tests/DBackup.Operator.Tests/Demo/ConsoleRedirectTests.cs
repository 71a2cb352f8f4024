using DBackup.Operator.Demo;

namespace DBackup.Operator.Tests.Demo;

/// <summary>Two demo operators in one process each keep their log, and the console comes back when both end.</summary>
[Collection(DemoCollection.Name)]
public sealed class ConsoleRedirectTests
{
    [Fact]
    public void Pop_OutOfOrder_HandsTheConsoleToTheNewestRemainingRedirect_ThenBackToTheOriginal()
    {
        var original = Console.Out;
        using var first = new StringWriter();
        using var second = new StringWriter();

        var a = ConsoleRedirect.Push(first);
        var b = ConsoleRedirect.Push(second);
        Console.Out.Write("to-second ");
        ConsoleRedirect.Pop(a);
        Console.Out.Write("still-second ");
        ConsoleRedirect.Pop(b);
        ConsoleRedirect.Pop(b); // a second Pop changes nothing

        Assert.Same(original, Console.Out);
        Assert.Equal(string.Empty, first.ToString());
        Assert.Equal("to-second still-second ", second.ToString());
    }
}
