using System.Runtime.InteropServices;

namespace Cpworker.Engine.Classification;

/// <summary>
/// One test of a <see cref="DirectionProgram"/>: compare the endpoint's port, or its address, and
/// jump to <see cref="IfTrue"/> or <see cref="IfFalse"/>. A jump target is an instruction index or
/// one of the terminal values <see cref="DirectionProgram.Match"/> / <see cref="DirectionProgram.NoMatch"/>.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct DirectionInstruction
{
    /// <summary>Creates a test of the port <paramref name="port"/>.</summary>
    public static DirectionInstruction ForPort(ushort port, int ifTrue, int ifFalse) =>
        new(default, port, ifTrue, ifFalse);

    /// <summary>Creates a test of the address of <paramref name="address"/> (its port is ignored).</summary>
    public static DirectionInstruction ForHost(in PacketEndpoint address, int ifTrue, int ifFalse) =>
        new(address, 0, ifTrue, ifFalse);

    private DirectionInstruction(in PacketEndpoint address, ushort port, int ifTrue, int ifFalse)
    {
        High = address.High;
        Low = address.Low;
        Family = address.Family;
        Port = port;
        IfTrue = ifTrue;
        IfFalse = ifFalse;
    }

    /// <summary>Address words to compare (see <see cref="PacketEndpoint"/>).</summary>
    public ulong High { get; }

    /// <summary>Address words to compare (see <see cref="PacketEndpoint"/>).</summary>
    public ulong Low { get; }

    /// <summary>Where to go when the test holds.</summary>
    public int IfTrue { get; }

    /// <summary>Where to go when it does not.</summary>
    public int IfFalse { get; }

    /// <summary>The port to compare when <see cref="Family"/> is <see cref="PacketEndpoint.NoFamily"/>.</summary>
    public ushort Port { get; }

    /// <summary>
    /// <see cref="PacketEndpoint.NoFamily"/> for a port test; else the family of the address to compare.
    /// (A packet without an address never passes a host test, because no test has family 0.)
    /// </summary>
    public byte Family { get; }

    /// <summary>True when <paramref name="endpoint"/> passes this test.</summary>
    public bool Test(in PacketEndpoint endpoint) => Family == PacketEndpoint.NoFamily
        ? endpoint.HasPort && endpoint.Port == Port
        : endpoint.Family == Family && endpoint.High == High && endpoint.Low == Low;
}
