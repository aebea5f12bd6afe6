using System.Text.Json;

namespace Cpworker.Engine.Outputs;

/// <summary>What a custom output is told when it is created.</summary>
public sealed class CustomOutputContext
{
    internal CustomOutputContext(string taskName, string outputName, JsonElement? settings)
    {
        TaskName = taskName;
        OutputName = outputName;
        Settings = settings;
    }

    /// <summary>The task the output belongs to.</summary>
    public string TaskName { get; }

    /// <summary>The output's name (<c>&lt;type&gt;-&lt;index&gt;</c>).</summary>
    public string OutputName { get; }

    /// <summary>
    /// The output's own object from the configuration (the one named after its type), when the
    /// configuration has one; the output reads its settings from it.
    /// </summary>
    public JsonElement? Settings { get; }
}
