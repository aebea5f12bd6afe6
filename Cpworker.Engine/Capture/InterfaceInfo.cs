using System.Net;
using System.Net.NetworkInformation;

namespace Cpworker.Engine.Capture;

/// <summary>What cpworker needs to know of a network interface, read in the task's network namespace.</summary>
/// <param name="Name">Interface name.</param>
/// <param name="MacAddress">Hardware address; null when the interface has none.</param>
/// <param name="Addresses">Its IPv4 and IPv6 addresses.</param>
internal sealed record InterfaceInfo(string Name, PhysicalAddress? MacAddress, IReadOnlyList<IPAddress> Addresses);
