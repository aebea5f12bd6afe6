using System.Text.Json;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Outputs;

/// <summary>The settings of a custom output: its configuration object, passed through as JSON.</summary>
/// <param name="Section">The object named after the output's type; null when there is none.</param>
public sealed record CustomOutputSettings(JsonElement? Section = null) : OutputSettings;
