using Cpworker.Engine.Configuration;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Gre;

namespace Cpworker.Outputs.Vxlan;

internal sealed partial record VxlanSettings
{
    /// <summary>The bits of <c>vni1</c> that are used; wider values are masked with a warning.</summary>
    public const uint Vni1Mask = 0x00FFFFFF;

    /// <summary>The bits of <c>vni2</c> that carry the direction and must be zero in the config.</summary>
    public const uint Vni2DirectionBits = 0x3;

    /// <summary>
    /// Reads the <c>vxlan</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static VxlanSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics)
    {
        if (section is null)
        {
            diagnostics.Error(sectionPath, "is required: an output of type \"vxlan\" needs a \"vxlan\" object with \"host\" and \"vni1\" or \"vni2\"");
            return null;
        }

        int mark = diagnostics.Items.Count;
        string? host = section.Host("host", required: true);
        int? port = section.Int32("port", 1, 65535);
        bool hasVni1 = section.Has("vni1");
        bool hasVni2 = section.Has("vni2");
        uint? vni1 = section.UInt32("vni1");
        uint? vni2 = section.UInt32("vni2");
        if (hasVni1 && hasVni2)
        {
            diagnostics.Error(sectionPath, "vni1 and vni2 are mutually exclusive");
        }
        else if (!hasVni1 && !hasVni2)
        {
            diagnostics.Error(sectionPath, "needs one of vni1 and vni2");
        }

        if (vni1 is uint v1 and > Vni1Mask)
        {
            section.Warning("vni1", $"0x{v1:X} is wider than 24 bits; only its low 24 bits are used (0x{v1 & Vni1Mask:X6})");
            vni1 = v1 & Vni1Mask;
        }

        if (vni2 is uint v2 && (v2 & Vni2DirectionBits) != 0)
        {
            section.Error("vni2", $"0x{v2:X8}: bits 0–1 carry the direction and must be 0 (use a multiple of 4)");
        }

        bool? captureTime = section.Boolean("capture_time");
        string? bindDevice = section.InterfaceName("bind_device");
        int? sendPath = section.Choice("send_path", FastPath.SendPaths.Names);
        int? pmtu = section.Choice("pmtudisc", GreSettings.PmtuDiscoveryNames);
        int splitMax = 0;
        bool recalculate = false;
        ConfigObject? split = section.Object("split");
        if (split is not null)
        {
            splitMax = split.Int32("max_payload_size", 0, 65535) ?? 0;
            recalculate = split.Boolean("recalculate_checksum") ?? false;
            split.WarnUnknownKeys();
        }

        section.WarnUnknownKeys();
        if (host is null || diagnostics.ErrorsSince(mark))
        {
            return null;
        }

        return new VxlanSettings
        {
            Host = host,
            Port = port ?? DefaultPort,
            VniKind = hasVni1 ? VniKind.Vni1 : VniKind.Vni2,
            Vni = hasVni1 ? vni1!.Value : vni2!.Value,
            CaptureTime = captureTime ?? false,
            BindDevice = bindDevice,
            PmtuDiscovery = (PmtuDiscovery?)pmtu,
            SendPath = (FastPath.SendPath)(sendPath ?? 0),
            SplitMaxPayloadSize = splitMax,
            SplitRecalculateChecksum = recalculate,
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
