using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>The real <c>cpworker ctl</c> as a child process (not the command line called in the test process).</summary>
internal static class CtlProcess
{
    /// <summary>Runs <c>cpworker ctl ARGS</c>; its exit code and output. Each argument is quoted.</summary>
    public static (int Code, string Stdout, string Stderr) Run(params string[] args) =>
        Support.Run.Command("dotnet", $"\"{DaemonProcess.DllPath}\" ctl {string.Join(' ', args.Select(a => $"\"{a}\""))}", 30_000);

    /// <summary>Runs it and fails the test unless it exits 0; returns stdout.</summary>
    public static string Checked(params string[] args)
    {
        (int code, string stdout, string stderr) = Run(args);
        Assert.That(code, Is.Zero, $"cpworker ctl {string.Join(' ', args)}\n{stderr}{stdout}");
        return stdout;
    }
}
