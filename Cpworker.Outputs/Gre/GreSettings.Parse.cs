using Cpworker.Engine.Configuration;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.Gre;

internal sealed partial record GreSettings
{
    /// <summary>Largest service tag that leaves the key's direction bits (28–31) alone.</summary>
    public const uint MaxServiceTagWithoutDirectionOverlap = 0x0FFFFFFF;

    /// <summary><c>pmtudisc</c> values in <see cref="Common.PmtuDiscovery"/> order.</summary>
    internal static readonly string[] PmtuDiscoveryNames = ["dont", "want", "do"];

    /// <summary>
    /// Reads the <c>gre</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static GreSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics)
    {
        if (section is null)
        {
            diagnostics.Error(sectionPath, "is required: an output of type \"gre\" needs a \"gre\" object with at least \"host\"");
            return null;
        }

        int mark = diagnostics.Items.Count;
        string? host = section.Host("host", required: true);
        uint? serviceTag = section.UInt32("service_tag");
        if (serviceTag is uint tag and > MaxServiceTagWithoutDirectionOverlap and not NoServiceTag)
        {
            section.Warning("service_tag", $"0x{tag:X8} is above 0x0FFFFFFF: its top 4 bits overwrite the direction bits (28–31) of the GRE key");
        }

        string? bindDevice = section.InterfaceName("bind_device");
        int? sendPath = section.Choice("send_path", FastPath.SendPaths.Names);
        int? pmtu = section.Choice("pmtudisc", PmtuDiscoveryNames);
        section.WarnUnknownKeys();
        if (host is null || diagnostics.ErrorsSince(mark))
        {
            return null;
        }

        return new GreSettings
        {
            Host = host,
            ServiceTag = serviceTag ?? NoServiceTag,
            BindDevice = bindDevice,
            PmtuDiscovery = (PmtuDiscovery?)pmtu,
            SendPath = (FastPath.SendPath)(sendPath ?? 0),
        };
    }

    /// <summary>Checks against this host (<c>validate --host</c> and start): the host resolves, the bind device exists.</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics)
    {
        HostChecks.HostResolves(Host, $"{sectionPath}.host", diagnostics);
        if (BindDevice is not null)
        {
            HostChecks.InterfaceExists(BindDevice, $"{sectionPath}.bind_device", diagnostics);
        }
    }
}
