using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.Zmq;

internal sealed partial record ZmqSettings
{
    /// <summary>Largest <c>heartbeat_ms</c>.</summary>
    public const int MaxHeartbeatMs = 60000;

    /// <summary>
    /// Reads the <c>zmq</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static ZmqSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics)
    {
        if (section is null)
        {
            diagnostics.Error(sectionPath, "is required: an output of type \"zmq\" needs a \"zmq\" object with \"host\" and \"port\"");
            return null;
        }

        int mark = diagnostics.Items.Count;
        string? host = section.Host("host", required: true);
        int? port = section.Int32("port", 1, 65535, required: true);
        int? hwm = section.Int32("hwm");
        if (hwm == 0)
        {
            section.Warning("hwm", "0 means no limit: while the receiver is slow or down, queued messages grow without bound");
        }

        uint? serviceTag = section.UInt32("service_tag");
        byte[]? uuid = null;
        string? uuidText = section.String("uuid");
        if (uuidText is not null)
        {
            uuid = ParseUuid(uuidText);
            if (uuid is null)
            {
                section.Error("uuid", $"\"{uuidText}\" is not a UUID (32 hexadecimal digits, dashes allowed, or \"\" for none)");
            }
        }

        int? heartbeat = section.Int32("heartbeat_ms", 0, MaxHeartbeatMs);
        section.WarnUnknownKeys();
        if (host is null || port is null || diagnostics.ErrorsSince(mark))
        {
            return null;
        }

        return new ZmqSettings
        {
            Host = host,
            Port = port.Value,
            Hwm = hwm ?? DefaultHwm,
            ServiceTag = serviceTag ?? NoServiceTag,
            Uuid = uuid ?? new byte[16],
            HeartbeatMs = heartbeat ?? 0,
        };
    }

    /// <summary>The 16 bytes of a UUID written as 32 hex digits with any dashes; zeros for ""; null when malformed.</summary>
    public static byte[]? ParseUuid(string text)
    {
        var bytes = new byte[16];
        if (text.Length == 0)
        {
            return bytes;
        }

        int digits = 0;
        foreach (char c in text)
        {
            if (c == '-')
            {
                continue;
            }

            int v = HexValue(c);
            if (v < 0 || digits == 32)
            {
                return null;
            }

            bytes[digits / 2] |= (byte)(digits % 2 == 0 ? v << 4 : v);
            digits++;
        }

        return digits == 32 ? bytes : null;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Checks against this host (<c>validate --host</c> and start): the host resolves.</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics) =>
        HostChecks.HostResolves(Host, $"{sectionPath}.host", diagnostics);
}
