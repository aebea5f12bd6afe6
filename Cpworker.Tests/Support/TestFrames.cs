namespace Cpworker.Tests.Support;

/// <summary>The example frames of docs/wire-formats.md, "Conventions", and small builders for others.</summary>
internal static class TestFrames
{
    /// <summary>Frame A: 60 bytes, Ethernet / IPv4 / UDP 10.0.0.1:54321 → 10.0.0.2:8011.</summary>
    public static byte[] FrameA => Convert.FromHexString(
        "02000000000202000000000108004500002e00014000401100000a0000010a000002d4311f4b001a000068656c6c6f2c20637077726b6572210a0000");

    /// <summary>Frame B: 96 bytes, Ethernet / IPv4 / TCP header start, then zeros.</summary>
    public static byte[] FrameB
    {
        get
        {
            byte[] f = new byte[96];
            Convert.FromHexString("aabbccddeeff1122334455660800450000541234400040060000" + "0a0000010a000002").CopyTo(f, 0);
            return f;
        }
    }
}
