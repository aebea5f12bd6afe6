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
    /// <c>custom</c>). Throws <see cref="DirectionPatternException"/> when a referenced interface is missing,
    /// has no usable address (MAC for <c>auto</c>, IP for <c>nic.</c>), or the pattern is malformed.
    /// </summary>
    public static IDirectionClassifier? Create(DirectionConfig? config, string? captureInterface, Func<string, InterfaceInfo?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        return config switch
        {
            null => null,
            AutoDirectionConfig => CreateAuto(captureInterface, resolve),
            CustomDirectionConfig custom => CreateCustom(custom.Pattern, resolve),
            _ => throw new ArgumentException($"unknown req_pattern kind {config.GetType().Name}", nameof(config)),
        };
    }

    private static AutoDirectionClassifier CreateAuto(string? captureInterface, Func<string, InterfaceInfo?> resolve)
    {
        if (string.IsNullOrEmpty(captureInterface))
        {
            // Permanent: no retry can give a replay an interface (docs/operations.md, "Task failures").
            throw new DirectionPatternException("req_pattern auto needs a capture interface (its MAC address decides the direction); this task captures from none", permanent: true);
        }

        InterfaceInfo nic = resolve(captureInterface)
            ?? throw new DirectionPatternException($"req_pattern auto: capture interface \"{captureInterface}\" not found");
        byte[]? mac = nic.MacAddress?.GetAddressBytes();
        if (mac is null || mac.Length != 6)
        {
            throw new DirectionPatternException($"req_pattern auto: interface \"{captureInterface}\" has no Ethernet MAC address");
        }

        return new AutoDirectionClassifier(mac);
    }

    private static CustomDirectionClassifier CreateCustom(string pattern, Func<string, InterfaceInfo?> resolve)
    {
        // The config loader checks the syntax first; this only fires for a config built in code.
        if (!DirectionPatternParser.TryParse(pattern, out DirectionPatternNode? tree, out string? error))
        {
            throw new DirectionPatternException($"req_pattern.custom.pattern: {error}", permanent: true);
        }

        return new CustomDirectionClassifier(DirectionProgramCompiler.Compile(tree, resolve));
    }
}
