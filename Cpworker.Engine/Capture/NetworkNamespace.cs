using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;
using Cpworker.Engine.Capture.Namespaces;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Runs code inside another network namespace on the calling thread only (docs/packet-path.md, "Live capture": the
/// namespace is entered to open the capture handle and read interfaces, then left).
/// </summary>
/// <remarks>
/// <c>setns</c> changes only the calling OS thread. Use it on a dedicated <see cref="Thread"/>,
/// never on a thread-pool thread and never across an <c>await</c>: <see cref="Enter(NetnsReference)"/> returns a
/// scope that switches back on dispose; <see cref="Run{T}(NetnsReference, Func{T})"/> does the whole thing on a new thread.
/// </remarks>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly SafeFileHandle? _original;

    private NetworkNamespace(SafeFileHandle? original, ResolvedNetns? entered)
    {
        _original = original;
        Entered = entered;
    }

    /// <summary>The namespace the thread is in now; null when it stayed where it was.</summary>
    public ResolvedNetns? Entered { get; }

    /// <summary>
    /// Moves the calling thread into the namespace at <paramref name="path"/> (null or empty: stays
    /// where it is). Dispose the result on the same thread to move back. Throws
    /// <see cref="CaptureException"/> naming the path when it cannot.
    /// </summary>
    public static NetworkNamespace Enter(string? path) =>
        Enter(string.IsNullOrEmpty(path) ? null : new NetnsReference(NetnsReferenceKind.Path, path));

    /// <summary>
    /// Resolves <paramref name="reference"/> now (a pod, container or cgroup: through
    /// <c>/proc</c>) and moves the calling thread into that namespace (null: stays where it is).
    /// <see cref="Entered"/> tells which namespace it was, by the inode of the very file entered.
    /// Dispose the result on the same thread to move back. Throws <see cref="CaptureException"/>.
    /// </summary>
    public static NetworkNamespace Enter(NetnsReference? reference)
    {
        if (reference is null)
        {
            return new NetworkNamespace(null, null);
        }

        ResolvedNetns resolved = NetnsResolver.Resolve(reference);
        SafeFileHandle original = NamespaceFile.Open("/proc/thread-self/ns/net", "the current network namespace");
        try
        {
            using SafeFileHandle target = NamespaceFile.Open(resolved.Path, $"netns {reference}");
            // The inode of what we open, not of what was resolved: the process may have been replaced in between.
            ResolvedNetns entered = resolved with { Inode = NamespaceFile.InodeOf(target, $"netns {reference}") };
            if (LibC.SetNs((int)target.DangerousGetHandle(), LibC.CloneNewNet) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new CaptureException($"cannot enter netns {reference}: {LibC.ErrorText(errno)}");
            }

            return new NetworkNamespace(original, entered);
        }
        catch
        {
            original.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> inside the namespace on a new dedicated thread and returns its result.</summary>
    public static T Run<T>(string? path, Func<T> action) =>
        Run(string.IsNullOrEmpty(path) ? null : new NetnsReference(NetnsReferenceKind.Path, path), action);

    /// <summary>Runs <paramref name="action"/> inside the namespace <paramref name="reference"/> names, on a new dedicated thread.</summary>
    public static T Run<T>(NetnsReference? reference, Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using NetworkNamespace ns = Enter(reference);
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

    /// <summary>Moves the thread back to the namespace it was in before <see cref="Enter(NetnsReference)"/>.</summary>
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
}
