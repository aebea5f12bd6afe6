using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Configuration;

/// <summary>Reads and validates a configuration document (behaviour §2).</summary>
internal static class ConfigLoader
{
    /// <summary>
    /// Parses <paramref name="json"/>, checks every value, and returns the config together with
    /// every problem found (each with its JSON path). The config is null when there are errors.
    /// </summary>
    public static ConfigLoadResult Load(string json, OutputTypeRegistry outputTypes, Func<string, string?>? environment = null) =>
        throw new NotImplementedException("the configuration work item implements the loader");

    /// <summary>Reads the file at <paramref name="path"/> and loads it; an unreadable file is reported as a problem.</summary>
    public static ConfigLoadResult LoadFile(string path, OutputTypeRegistry outputTypes, Func<string, string?>? environment = null) =>
        throw new NotImplementedException("the configuration work item implements the loader");
}
