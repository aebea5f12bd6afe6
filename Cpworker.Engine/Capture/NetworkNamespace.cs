using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Runs code inside another network namespace on the calling thread only (docs/packet-path.md, "Live capture": the
/// namespace is entered to open the capture handle and read interfaces, then left).
/// </summary>
/// <remarks>
/// <c>setns</c> changes only the calling OS thread. Use it on a dedicated <see cref="Thread"/>,
/// never on a thread-pool thread and never across an <c>await</c>: <see cref="Enter"/> returns a
/// scope that switches back on dispose; <see cref="Run{T}"/> does the whole thing on a new thread.
/// </remarks>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly SafeFileHandle? _original;

    private NetworkNamespace(SafeFileHandle? original) => _original = original;

    /// <summary>
    /// Moves the calling thread into the namespace at <paramref name="path"/> (null or empty: stays
    /// where it is). Dispose the result on the same thread to move back. Throws
    /// <see cref="CaptureException"/> naming the path when it cannot.
    /// </summary>
    public static NetworkNamespace Enter(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return new NetworkNamespace(null);
        }

        SafeFileHandle original = Open("/proc/thread-self/ns/net", "the current network namespace");
        try
        {
            using SafeFileHandle target = Open(path, $"netns {path}");
            if (LibC.SetNs((int)target.DangerousGetHandle(), LibC.CloneNewNet) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new CaptureException($"cannot enter netns {path}: {LibC.ErrorText(errno)}");
            }

            return new NetworkNamespace(original);
        }
        catch
        {
            original.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> inside the namespace on a new dedicated thread and returns its result.</summary>
    public static T Run<T>(string? path, Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using NetworkNamespace ns = Enter(path);
                result = action();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        {
            IsBackground = true,
            Name = "cpw-netns",
        };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }

        return result;
    }

    /// <summary>Moves the thread back to the namespace it was in before <see cref="Enter"/>.</summary>
    public void Dispose()
    {
        if (_original is null)
        {
            return;
        }

        int rc = LibC.SetNs((int)_original.DangerousGetHandle(), LibC.CloneNewNet);
        _original.Dispose();
        if (rc != 0)
        {
            // The thread is now stuck in a foreign namespace; continuing would open sockets there.
            throw new CaptureException($"cannot return to the original network namespace: {LibC.ErrorText(Marshal.GetLastPInvokeError())}");
        }
    }

    private static SafeFileHandle Open(string path, string what)
    {
        // A namespace file is a regular (nsfs) file; a FIFO in its place would block in open.
        if (ReplayFile.NotRegular(path) is { } kind && kind != "a directory")
        {
            throw new CaptureException($"cannot open {what} {path}: it is {kind}, not a network namespace", permanent: true);
        }

        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // .NET's messages name a "part of the path"; say what it means for a namespace.
            string why = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => path.StartsWith("/proc/", StringComparison.Ordinal)
                    ? "it does not exist (no process with that id, or it has exited)"
                    : "it does not exist (create it with: ip netns add NAME)",
                UnauthorizedAccessException => "permission denied (cpworker needs CAP_SYS_ADMIN to enter a namespace)",
                _ => ex.Message,
            };
            throw new CaptureException($"cannot open {what}: {why}", ex);
        }
    }
}
