namespace Cpworker.Engine.Configuration;

/// <summary>How serious a configuration problem is.</summary>
public enum ConfigSeverity
{
    /// <summary>The config runs, but probably not as the user meant (an unknown key, a clamped value).</summary>
    Warning,

    /// <summary>The config cannot run.</summary>
    Error,
}

/// <summary>One problem found in a configuration, with the JSON path of the value at fault.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Path">JSON path such as <c>tasks[0].outputs[1].vxlan.port</c>; empty for the document itself.</param>
/// <param name="Message">What is wrong, in words an operator understands.</param>
public sealed record ConfigDiagnostic(ConfigSeverity Severity, string Path, string Message)
{
    /// <summary><c>path: message</c>, the form used in logs and by <c>cpworker validate</c>.</summary>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
