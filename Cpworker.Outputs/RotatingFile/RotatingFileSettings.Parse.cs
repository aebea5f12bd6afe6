using System.Globalization;
using System.Text.Json;
using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.RotatingFile;

internal sealed partial record RotatingFileSettings
{
    /// <summary>
    /// Reads the <c>rotating_file</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static RotatingFileSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics)
    {
        if (section is null)
        {
            diagnostics.Error(sectionPath, "is required: an output of type \"rotating_file\" needs a \"rotating_file\" object with \"file_root\"");
            return null;
        }

        int mark = diagnostics.Items.Count;
        string? root = section.FullPath("file_root", required: true);
        if (root is not null)
        {
            // One spelling per directory, so that "/data/x/" and "/data/x" are recognised as the same root.
            root = Path.TrimEndingDirectorySeparator(root);
        }

        int? interval = ReadInterval(section);
        int? maxFiles = section.Int32("max_files");
        long? maxSizeMb = section.Integer("max_file_size_mb", 1, 1024 * 1024);
        section.WarnUnknownKeys();
        if (root is null || diagnostics.ErrorsSince(mark))
        {
            return null;
        }

        return new RotatingFileSettings
        {
            FileRoot = root,
            MaxFileIntervalSeconds = interval ?? DefaultIntervalSeconds,
            MaxFiles = maxFiles ?? 0,
            MaxFileSizeBytes = (maxSizeMb ?? 0) * 1024 * 1024,
        };
    }

    /// <summary>
    /// <c>max_file_interval</c> in seconds: a whole number, or a string of one with an optional unit
    /// <c>s</c>, <c>m</c> or <c>h</c> (<c>"60"</c>, <c>"90s"</c>, <c>"5m"</c>, <c>"1h"</c>).
    /// </summary>
    private static int? ReadInterval(ConfigObject section)
    {
        const string key = "max_file_interval";
        JsonElement? raw = section.Raw(key);
        if (raw is not JsonElement v)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number)
        {
            return section.Int32(key);
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            int? seconds = ParseInterval(v.GetString()!);
            if (seconds is null)
            {
                section.Error(key, $"\"{v.GetString()}\" is not an interval (a whole number of seconds, or with a unit: \"90s\", \"5m\", \"1h\")");
            }

            return seconds;
        }

        section.Error(key, $"must be a number of seconds or a string like \"5m\", not {ConfigObject.Describe(v)}");
        return null;
    }

    /// <summary>Seconds in <paramref name="text"/> (<c>"60"</c>, <c>"90s"</c>, <c>"5m"</c>, <c>"1h"</c>); null when malformed or too large.</summary>
    public static int? ParseInterval(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        int unit = text[^1] switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => 0,
        };
        string number = unit == 0 ? text : text[..^1];
        if (unit == 0)
        {
            unit = 1;
        }

        if (number.Length is 0 or > 9 || !number.All(char.IsAsciiDigit))
        {
            return null;
        }

        long seconds = long.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture) * unit;
        return seconds <= int.MaxValue ? (int)seconds : null;
    }

    /// <summary>
    /// Checks against this host (<c>validate --host</c> and start): <c>file_root</c> is a writable
    /// directory, or can be created (the output creates it and its hourly subdirectories).
    /// </summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics) =>
        HostChecks.DirectoryWritable(FileRoot, $"{sectionPath}.file_root", diagnostics, mayCreate: true);
}
