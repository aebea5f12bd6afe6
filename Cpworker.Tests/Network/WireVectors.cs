namespace Cpworker.Tests.Network;

/// <summary>
/// The hex strings of the examples in <c>docs/wire-formats.md</c>. The
/// tests encode against these constants, and <see cref="WireDocTests"/> checks that the document
/// shows exactly these bytes, so the document and the code cannot drift apart.
/// </summary>
internal static class WireVectors
{
    /// <summary>GRE, service tag 34, direction 1, frame A: the header before the frame.</summary>
    public const string GreTag34Dir1Header = "2000655810000022";

    /// <summary>VXLAN vni1 0x1A2 over frame B, directions 0, 1, 2.</summary>
    public const string VxlanVni1x1A2Dir0 = "080000000001a2f5";

    /// <summary>See <see cref="VxlanVni1x1A2Dir0"/>.</summary>
    public const string VxlanVni1x1A2Dir1 = "080000001001a205";

    /// <summary>See <see cref="VxlanVni1x1A2Dir0"/>.</summary>
    public const string VxlanVni1x1A2Dir2 = "080000002001a215";

    /// <summary>VXLAN vni1 0xFFFFFF, direction 1, frame B.</summary>
    public const string VxlanVni1xFFFFFFDir1 = "08000000100fff62";

    /// <summary>VXLAN vni1 0x123456, direction 1, frame B.</summary>
    public const string VxlanVni1x123456Dir1 = "08000000100456b9";

    /// <summary>VXLAN vni2 0xDF024, directions 0, 1, 2.</summary>
    public const string VxlanVni2Dir0 = "08000000000df024";

    /// <summary>See <see cref="VxlanVni2Dir0"/>.</summary>
    public const string VxlanVni2Dir1 = "08000000000df025";

    /// <summary>See <see cref="VxlanVni2Dir0"/>.</summary>
    public const string VxlanVni2Dir2 = "08000000000df026";

    /// <summary>VXLAN vni1 291, direction 2, capture time 1700000000 s 123456789 ns, frame A: header.</summary>
    public const string VxlanCaptureTimeHeader = "0800000020012387";

    /// <summary>The trailer of that datagram.</summary>
    public const string VxlanCaptureTimeTrailer = "6553f100075bcd15";

    /// <summary>MPLS tags: tag 0 dir 1; tag 0 dir 2; tag 0x1A2 dir 1.</summary>
    public const string MplsTag0Dir1 = "880001ff";

    /// <summary>See <see cref="MplsTag0Dir1"/>.</summary>
    public const string MplsTag0Dir2 = "900001ff";

    /// <summary>See <see cref="MplsTag0Dir1"/>.</summary>
    public const string MplsTag1A2Dir1 = "881a21ff";

    /// <summary>ZMQ, tag 0, zero UUID, dir 1, ts 0x11223344.0x55667788, frame B: the message up to the frame's payload.</summary>
    public const string ZmqFrameBPrefix =
        "0002" + "0001" + "00000000" + "00000000000000000000000000000000" +
        "0064" + "11223344" + "55667788" + "00000064" + "00000064" +
        "aabbccddeeff112233445566" + "8847" + "880001ff";

    /// <summary>ZMQ batch header, tag 3, one record, uuid 123e4567-e89b-12d3-a456-426614174000.</summary>
    public const string ZmqBatchHeaderTag3 = "0002000100000003123e4567e89b12d3a456426614174000";

    /// <summary>ZMQ heartbeat record at 5 s 6 µs.</summary>
    public const string ZmqHeartbeat5s6us = "000e00000005000000060000000e0000000e" + "000000000000000000000000" + "ffff";

    /// <summary>Worked example (docs): GRE, no service tag, direction 2, frame A — the whole datagram.</summary>
    public const string DocGreNoTagDir2 =
        "20006558" + "ffffffff" +
        "02000000000202000000000108004500002e00014000401100000a0000010a000002d4311f4b001a000068656c6c6f2c20637077726b6572210a0000";

    /// <summary>Worked example (docs): VXLAN vni2 0x00002100 (VNI 33), direction 1, frame A — the whole datagram.</summary>
    public const string DocVxlanVni2Vni33Dir1 =
        "08000000" + "00002101" +
        "02000000000202000000000108004500002e00014000401100000a0000010a000002d4311f4b001a000068656c6c6f2c20637077726b6572210a0000";

    /// <summary>Worked example (docs): the 20-byte frame <c>ffffffffffff 020000000001 0806 0001 0800 0604</c> under vni1 7, dir 1 (zero padding).</summary>
    public const string DocShortFrame = "ffffffffffff0200000000010806000108000604";

    /// <summary>The datagram of <see cref="DocShortFrame"/>; its check byte covers 14 bytes of padding.</summary>
    public const string DocShortFrameVxlan = "080000001000078e" + DocShortFrame;

    /// <summary>Worked example (docs): frame A under a QinQ stack (0x88A8 tag 100, 0x8100 tag 200), ZMQ tag 0x1A2 dir 2, slice 20.</summary>
    public const string DocQinQFrame =
        "020000000002020000000001" + "88a80064" + "810000c8" + "0800" +
        "4500002e00014000401100000a0000010a000002d4311f4b001a000068656c6c6f2c20637077726b6572210a0000";

    /// <summary>The ZMQ record of <see cref="DocQinQFrame"/> at 1700000000 s 250000 µs: slice 20 keeps the 22-byte L2 stack.</summary>
    public const string DocQinQRecord =
        "001a" + "6553f100" + "0003d090" + "0000001a" + "00000048" +
        "020000000002020000000001" + "88a80064" + "810000c8" + "8847" + "901a21ff";
}
