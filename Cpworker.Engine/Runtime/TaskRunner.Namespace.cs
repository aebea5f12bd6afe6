using Cpworker.Engine.Capture;
using Cpworker.Engine.Capture.Namespaces;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Scheduling;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Runtime;

/// <summary>
/// Following a task's <c>netns</c> (docs/deploy.md, "Pod-aware capture"): while the capture runs,
/// its namespace is checked every second; while it waits to retry (however long the back-off), a
/// namespace that appears (or changes) ends the wait within a second. A pod restart is so
/// followed within one retry period.
/// </summary>
internal sealed partial class TaskRunner
{
    /// <summary>How often a task with a <c>netns</c> checks it, running or waiting to retry.</summary>
    public static readonly TimeSpan NamespaceCheckInterval = TimeSpan.FromSeconds(1);

    private NetnsReference? Netns => (Config.Capturer as LibpcapCaptureConfig)?.NetnsReference;

    /// <summary>
    /// Waits for the scheduler to end; for a capture in another namespace, checks every
    /// <see cref="NamespaceCheckInterval"/> that its <c>netns</c> still names that namespace and
    /// returns what changed when it does not. Null when the scheduler ended or the task stops.
    /// </summary>
    private async Task<string?> WatchNamespaceAsync(TaskGraph graph, PacketScheduler scheduler, CancellationToken stop)
    {
        if (Netns is null)
        {
            return null;
        }

        while (!scheduler.Completion.IsCompleted && !stop.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAny(scheduler.Completion, Task.Delay(NamespaceCheckInterval, stop)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            if (scheduler.Completion.IsCompleted || stop.IsCancellationRequested)
            {
                return null;
            }

            // Reads /proc on a thread-pool thread: never on the capture thread.
            if (graph.Source.CheckNamespace() is { } change)
            {
                return change;
            }
        }

        return null;
    }

    /// <summary>
    /// Waits <paramref name="delay"/> (the retry back-off); for a task with a <c>netns</c>, ends early when the
    /// namespace it names is another one than the failed attempt entered (<paramref name="entered"/>;
    /// null when it found none): appeared, re-created, the pod's new process started. The task so
    /// follows without waiting out the period, and a task failing inside an unchanged namespace
    /// still retries only every period.
    /// </summary>
    private async Task WaitBeforeRetryAsync(TimeSpan delay, ulong? entered, CancellationToken stop)
    {
        NetnsReference? reference = Netns;
        if (reference is null)
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
            return;
        }

        DateTime end = DateTime.UtcNow + delay;
        while (DateTime.UtcNow < end)
        {
            TimeSpan left = end - DateTime.UtcNow;
            await Task.Delay(left < NamespaceCheckInterval ? left : NamespaceCheckInterval, stop).ConfigureAwait(false);
            if (TryResolve(reference) is ulong now && now != entered)
            {
                RuntimeLog.NamespaceAppeared(_logger, Config.Name, reference.ToString(), now);
                return;
            }
        }
    }

    private static ulong? TryResolve(NetnsReference reference)
    {
        try
        {
            return NetnsResolver.Resolve(reference).Inode;
        }
        catch (CaptureException)
        {
            return null;
        }
    }
}
