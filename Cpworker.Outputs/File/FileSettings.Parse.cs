using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.File;

internal sealed partial record FileSettings
{
    /// <summary>
    /// Reads the <c>file</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static FileSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics)
    {
        if (section is null)
        {
            diagnostics.Error(sectionPath, "is required: an output of type \"file\" needs a \"file\" object with \"name\"");
            return null;
        }

        int mark = diagnostics.Items.Count;
        string? name = section.FullPath("name", required: true);
        if (name is not null && Path.EndsInDirectorySeparator(name))
        {
            section.Error("name", $"\"{name}\" names a directory; give the path of the pcap file");
        }

        int? precision = section.Choice("timestamp_precision", ["micro", "nano"]);
        section.WarnUnknownKeys();
        if (name is null || diagnostics.ErrorsSince(mark))
        {
            return null;
        }

        return new FileSettings
        {
            Name = name,
            TimestampPrecision = precision == 1 ? TimestampPrecision.Nano : TimestampPrecision.Micro,
        };
    }

    /// <summary>Checks against this host (<c>validate --host</c> and start): the file's directory exists and is writable.</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics)
    {
        string path = $"{sectionPath}.name";
        if (PathErrors.TooLong(Name) is { } tooLong)
        {
            diagnostics.Error(path, $"{tooLong}: Linux cannot create it");
            return;
        }

        if (Directory.Exists(Name))
        {
            diagnostics.Error(path, $"{Name} is a directory; give the path of the pcap file");
            return;
        }

        string? directory = Path.GetDirectoryName(Name);
        if (directory is not null)
        {
            HostChecks.DirectoryWritable(directory, path, diagnostics, mayCreate: false);
        }
    }
}
