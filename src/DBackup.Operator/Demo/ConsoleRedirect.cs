namespace DBackup.Operator.Demo;

/// <summary>
/// Points <see cref="Console.Out"/> at a demo operator's log file while it runs. Redirects nest (two demos in one
/// process, as in the tests): the newest active one owns the console, and when the last ends the original returns.
/// </summary>
internal static class ConsoleRedirect
{
    private static readonly object Gate = new();
    private static readonly List<TextWriter> Active = [];
    private static TextWriter? _original;

    /// <summary>Sends console output to <paramref name="target"/>; returns the handle for <see cref="Pop"/>.</summary>
    public static TextWriter Push(TextWriter target)
    {
        var redirect = TextWriter.Synchronized(target);
        lock (Gate)
        {
            if (Active.Count == 0)
            {
                _original = Console.Out;
            }

            Active.Add(redirect);
            Console.SetOut(redirect);
        }

        return redirect;
    }

    /// <summary>Ends a redirect: the console goes to the newest remaining one, or back to the original.</summary>
    public static void Pop(TextWriter redirect)
    {
        lock (Gate)
        {
            if (!Active.Remove(redirect))
            {
                return;
            }

            Console.SetOut(Active.Count > 0 ? Active[^1] : _original!);
            if (Active.Count == 0)
            {
                _original = null;
            }
        }
    }
}
