using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Classification;

/// <summary>Builds the classifier a task's <c>req_pattern</c> describes.</summary>
internal static class DirectionClassifierFactory
{
    /// <summary>
    /// The classifier for <paramref name="config"/>; null when the task has no <c>req_pattern</c>
    /// (direction not checked). <paramref name="resolve"/> looks interfaces up in the task's
    /// namespace (the capture interface's MAC for <c>auto</c>, <c>nic.IFNAME</c> addresses for
    /// <c>custom</c>). Throws <see cref="CaptureException"/> when a referenced interface is missing.
    /// </summary>
    public static IDirectionClassifier? Create(DirectionConfig? config, string? captureInterface, Func<string, InterfaceInfo?> resolve) =>
        config is null ? null : throw new NotImplementedException("direction classifiers are built in the direction work item");
}
