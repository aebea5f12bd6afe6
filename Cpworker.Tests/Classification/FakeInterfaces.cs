using System.Net;
using System.Net.NetworkInformation;
using Cpworker.Engine.Capture;

namespace Cpworker.Tests.Classification;

/// <summary>A resolver over a fixed set of interfaces, standing in for the task's network namespace.</summary>
internal sealed class FakeInterfaces
{
    private readonly Dictionary<string, InterfaceInfo> _interfaces = [];

    /// <summary>Names looked up so far, in order.</summary>
    public List<string> Lookups { get; } = [];

    /// <summary>Adds an interface with an optional MAC (<c>aa:bb:…</c>) and addresses.</summary>
    public FakeInterfaces With(string name, string? mac, params string[] addresses)
    {
        _interfaces[name] = new InterfaceInfo(
            name,
            mac is null ? null : new PhysicalAddress(DirectionFrames.Mac(mac)),
            addresses.Select(IPAddress.Parse).ToList());
        return this;
    }

    /// <summary>The resolve callback the factory takes.</summary>
    public InterfaceInfo? Resolve(string name)
    {
        Lookups.Add(name);
        return _interfaces.GetValueOrDefault(name);
    }
}
