using System.Net;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Cpworker.Host.Interop;

/// <summary>
/// Lists interfaces with <c>getifaddrs(3)</c>, which asks the kernel over netlink in the calling
/// thread's network namespace (unlike <c>/sys/class/net</c>, which shows the namespace sysfs was
/// mounted in). Its <c>AF_PACKET</c> entries give every link, with or without an address.
/// </summary>
internal static unsafe partial class InterfaceAddresses
{
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;
    private const ushort AfPacket = 17;

    /// <summary>Every interface of the calling thread's namespace, by index.</summary>
    public static List<LinkEntry> Read()
    {
        IfAddrs* list;
        if (GetIfAddrs(&list) != 0)
        {
            throw new IOException($"getifaddrs failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            var links = new Dictionary<string, (int Index, uint Flags, int Type, byte[] Mac)>(StringComparer.Ordinal);
            var addresses = new Dictionary<string, List<(IPAddress, int)>>(StringComparer.Ordinal);
            for (IfAddrs* a = list; a != null; a = a->Next)
            {
                string name = Marshal.PtrToStringUTF8((nint)a->Name) ?? "";
                if (!addresses.ContainsKey(name))
                {
                    addresses[name] = new List<(IPAddress, int)>();
                    links.TryAdd(name, (0, a->Flags, -1, []));
                }

                if (a->Addr == null)
                {
                    continue;
                }

                ushort family = *(ushort*)a->Addr;
                if (family == AfPacket)
                {
                    byte* ll = a->Addr;
                    int halen = Math.Min((int)ll[11], 8);
                    links[name] = (*(int*)(ll + 4), a->Flags, *(ushort*)(ll + 8), new ReadOnlySpan<byte>(ll + 12, halen).ToArray());
                }
                else if (family is AfInet or AfInet6)
                {
                    int offset = family == AfInet ? 4 : 8;
                    int length = family == AfInet ? 4 : 16;
                    var address = new IPAddress(new ReadOnlySpan<byte>(a->Addr + offset, length));
                    int prefix = a->Netmask == null ? length * 8 : PrefixLength(new ReadOnlySpan<byte>(a->Netmask + offset, length));
                    addresses[name].Add((address, prefix));
                }
            }

            return links
                .Select(l => new LinkEntry(l.Value.Index, l.Key, l.Value.Flags, l.Value.Type, l.Value.Mac, addresses[l.Key]))
                .OrderBy(l => l.Index)
                .ThenBy(l => l.Name, StringComparer.Ordinal)
                .ToList();
        }
        finally
        {
            FreeIfAddrs(list);
        }
    }

    private static int PrefixLength(ReadOnlySpan<byte> mask)
    {
        int bits = 0;
        foreach (byte b in mask)
        {
            bits += BitOperations.PopCount(b);
        }

        return bits;
    }

    [LibraryImport("libc", EntryPoint = "getifaddrs", SetLastError = true)]
    private static partial int GetIfAddrs(IfAddrs** list);

    [LibraryImport("libc", EntryPoint = "freeifaddrs")]
    private static partial void FreeIfAddrs(IfAddrs* list);

    /// <summary><c>struct ifaddrs</c> (glibc, 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IfAddrs
    {
        public IfAddrs* Next;
        public byte* Name;
        public uint Flags;
        public byte* Addr;
        public byte* Netmask;
        public byte* BroadAddr;
        public void* Data;
    }
}
