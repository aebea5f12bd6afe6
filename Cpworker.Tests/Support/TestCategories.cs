namespace Cpworker.Tests.Support;

/// <summary>NUnit categories that select tests by what the machine must allow.</summary>
internal static class TestCategories
{
    /// <summary>
    /// Needs root (or the matching capabilities): network namespaces, veth and VXLAN devices,
    /// raw sockets, capturing on an interface (tcpdump, libpcap), mounts. Without root run
    /// <c>--filter "TestCategory!=Root"</c> (docs/development.md, "Tests").
    /// </summary>
    public const string Root = "Root";
}
