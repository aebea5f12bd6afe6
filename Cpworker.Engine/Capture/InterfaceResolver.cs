using System.Net;
using System.Net.NetworkInformation;

namespace Cpworker.Engine.Capture;

/// <summary>Reads interface details in the calling thread's network namespace.</summary>
internal static class InterfaceResolver
{
    /// <summary>The interface called <paramref name="name"/>, or null.</summary>
    public static InterfaceInfo? Find(string name)
    {
        // getifaddrs() runs in the calling thread's namespace, so this is correct inside setns.
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.Name != name)
            {
                continue;
            }

            PhysicalAddress mac = nic.GetPhysicalAddress();
            var addresses = new List<IPAddress>();
            foreach (UnicastIPAddressInformation a in nic.GetIPProperties().UnicastAddresses)
            {
                addresses.Add(a.Address);
            }

            return new InterfaceInfo(name, mac.GetAddressBytes().Length == 0 ? null : mac, addresses);
        }

        return null;
    }
}
