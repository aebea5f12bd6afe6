using System.Net;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;

namespace Cpworker.Tests.Classification;

/// <summary>The compiled matcher: precedence, address families, <c>nic.</c> resolution, and agreement with the tree.</summary>
[TestFixture]
public sealed class DirectionProgramTests
{
    private static IEnumerable<TestCaseData> Evaluations()
    {
        static TestCaseData Case(string pattern, string? address, int? port, bool expected) =>
            new TestCaseData(pattern, address, port, expected)
                .SetArgDisplayNames($"{pattern} @ {address ?? "no address"}:{port?.ToString() ?? "no port"}");

        // "and" binds tighter: a or (b and port).
        const string loose = "host 10.0.0.1 or host 10.0.0.2 and port 80";
        yield return Case(loose, "10.0.0.1", 9, true);
        yield return Case(loose, "10.0.0.1", null, true);
        yield return Case(loose, "10.0.0.2", 9, false);
        yield return Case(loose, "10.0.0.2", 80, true);
        yield return Case(loose, "10.0.0.3", 80, false);

        const string grouped = "(host 10.0.0.1 or host 10.0.0.2) and port 80";
        yield return Case(grouped, "10.0.0.1", 9, false);
        yield return Case(grouped, "10.0.0.1", 80, true);
        yield return Case(grouped, "10.0.0.2", 80, true);
        yield return Case(grouped, "10.0.0.2", null, false);

        // Ports: a packet without ports never satisfies "port", not even "port 0".
        yield return Case("port 0", "10.0.0.1", 0, true);
        yield return Case("port 0", "10.0.0.1", null, false);
        yield return Case("port 80", null, null, false);

        // IPv4 and IPv6 are kept apart.
        yield return Case("host 10.0.0.1", "10.0.0.1", null, true);
        yield return Case("host 10.0.0.1", "::ffff:10.0.0.1", null, false);
        yield return Case("host 10.0.0.1", "::10.0.0.1", null, false);
        yield return Case("host 10.0.0.1", "a00:1::", null, false);
        yield return Case("host ::1", "0.0.0.1", null, false);
        yield return Case("host ::", "0.0.0.0", null, false);
        yield return Case("host 0.0.0.0", "::", null, false);
        yield return Case("host 2001:db8::1 and port 443", "2001:db8::1", 443, true);
        yield return Case("host 2001:db8::1 and port 443", "2001:db8::2", 443, false);
        yield return Case("host 2001:db8::1 and port 443", "2001:db8:0:0:1::1", 443, false);

        // An IPv4-mapped literal stands for the IPv4 address too.
        yield return Case("host ::ffff:10.0.0.1", "10.0.0.1", null, true);
        yield return Case("host ::ffff:10.0.0.1", "::ffff:10.0.0.1", null, true);
        yield return Case("host ::ffff:10.0.0.1", "10.0.0.2", null, false);
        yield return Case("host ::ffff:10.0.0.1 and port 5", "10.0.0.1", 6, false);
    }

    [TestCaseSource(nameof(Evaluations))]
    public void Program_decides_like_the_grammar_says(string pattern, string? address, int? port, bool expected)
    {
        DirectionProgram program = Compile(pattern, new FakeInterfaces());
        Assert.That(program.Matches(Endpoint(address, port)), Is.EqualTo(expected));
    }

    [Test]
    public void Nic_reference_matches_every_address_of_the_interface_and_nothing_else()
    {
        var nics = new FakeInterfaces().With("eth0", "02:00:00:00:00:01", "10.0.0.5", "2001:db8::5", "fe80::5");
        DirectionProgram program = Compile("host nic.eth0 and port 8011", nics);

        Assert.That(nics.Lookups, Is.EqualTo(new[] { "eth0" }));
        Assert.That(program.Length, Is.EqualTo(4));
        Assert.That(program.Matches(Endpoint("10.0.0.5", 8011)), Is.True);
        Assert.That(program.Matches(Endpoint("2001:db8::5", 8011)), Is.True);
        Assert.That(program.Matches(Endpoint("fe80::5", 8011)), Is.True);
        Assert.That(program.Matches(Endpoint("10.0.0.5", 8012)), Is.False);
        Assert.That(program.Matches(Endpoint("10.0.0.6", 8011)), Is.False);
        Assert.That(program.Matches(Endpoint("::ffff:10.0.0.5", 8011)), Is.False);
    }

    [Test]
    public void Missing_interface_is_a_capture_error_naming_it()
    {
        var nics = new FakeInterfaces().With("eth0", null, "10.0.0.5");
        var e = Assert.Throws<DirectionPatternException>(() => Compile("host nic.eth0 or host nic.eth9", nics));
        Assert.That(e!.Message, Is.EqualTo("req_pattern: interface \"eth9\" (nic.eth9) not found"));
    }

    [Test]
    public void Interface_without_addresses_is_a_capture_error_naming_it()
    {
        var nics = new FakeInterfaces().With("dummy0", null);
        var e = Assert.Throws<DirectionPatternException>(() => Compile("port 1 or host nic.dummy0", nics));
        Assert.That(e!.Message, Is.EqualTo("req_pattern: interface \"dummy0\" (nic.dummy0) has no IP address"));
    }

    /// <summary>
    /// Random patterns over a small set of atoms: the jump program must give the same answer as
    /// evaluating the tree directly, for every endpoint of a small universe.
    /// </summary>
    [Test]
    public void Program_agrees_with_the_tree_on_random_patterns()
    {
        string[] atoms = ["host 10.0.0.1", "host 10.0.0.2", "host 2001:db8::1", "port 1", "port 2", "host ::ffff:10.0.0.2"];
        PacketEndpoint[] universe =
        [
            Endpoint(null, null), Endpoint("10.0.0.1", null), Endpoint("10.0.0.1", 1), Endpoint("10.0.0.1", 2),
            Endpoint("10.0.0.2", 1), Endpoint("10.0.0.2", 3), Endpoint("2001:db8::1", 2), Endpoint("2001:db8::1", null),
            Endpoint("10.0.0.3", 1), Endpoint("::ffff:10.0.0.2", 2),
        ];
        var random = new Random(20260412);
        int checkedPatterns = 0;
        for (int n = 0; n < 2000; n++)
        {
            string pattern = RandomPattern(random, atoms, depth: 4);
            Assert.That(DirectionPatternParser.TryParse(pattern, out DirectionPatternNode? tree, out string? error), Is.True, $"{pattern}: {error}");
            DirectionProgram program = DirectionProgramCompiler.Compile(tree!, _ => null);
            foreach (PacketEndpoint endpoint in universe)
            {
                Assert.That(program.Matches(endpoint), Is.EqualTo(Reference(tree!, endpoint)), pattern);
            }

            checkedPatterns++;
        }

        Assert.That(checkedPatterns, Is.EqualTo(2000));
    }

    private static string RandomPattern(Random random, string[] atoms, int depth)
    {
        if (depth == 0 || random.Next(3) == 0)
        {
            return atoms[random.Next(atoms.Length)];
        }

        int count = random.Next(2, 4);
        string op = random.Next(2) == 0 ? " and " : " or ";
        var parts = new string[count];
        for (int i = 0; i < count; i++)
        {
            string part = RandomPattern(random, atoms, depth - 1);
            parts[i] = random.Next(2) == 0 ? "(" + part + ")" : part;
        }

        return string.Join(op, parts);
    }

    /// <summary>Direct evaluation of the tree, written independently of the compiler.</summary>
    private static bool Reference(DirectionPatternNode node, PacketEndpoint e) => node.Kind switch
    {
        DirectionPatternNodeKind.Or => node.Children.Any(c => Reference(c, e)),
        DirectionPatternNodeKind.And => node.Children.All(c => Reference(c, e)),
        DirectionPatternNodeKind.Port => e.HasPort && e.Port == node.Port,
        DirectionPatternNodeKind.HostAddress => e.Family != PacketEndpoint.NoFamily
            && (ToAddress(e).Equals(node.Address)
                || (node.Address!.IsIPv4MappedToIPv6 && ToAddress(e).Equals(node.Address.MapToIPv4()))),
        _ => throw new NotSupportedException(),
    };

    internal static DirectionProgram Compile(string pattern, FakeInterfaces nics)
    {
        Assert.That(DirectionPatternParser.TryParse(pattern, out DirectionPatternNode? tree, out string? error), Is.True, error);
        return DirectionProgramCompiler.Compile(tree!, nics.Resolve);
    }

    internal static PacketEndpoint Endpoint(string? address, int? port)
    {
        PacketEndpoint e = address is null ? default : PacketEndpoint.FromAddressBytes(IPAddress.Parse(address).GetAddressBytes());
        e.HasPort = port is not null;
        e.Port = (ushort)(port ?? 0);
        return e;
    }

    internal static IPAddress ToAddress(PacketEndpoint e)
    {
        byte[] bytes = new byte[e.Family == PacketEndpoint.IPv4 ? 4 : 16];
        if (e.Family == PacketEndpoint.IPv4)
        {
            BitConverter.TryWriteBytes(bytes, (uint)e.High);
        }
        else
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), e.High);
            BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), e.Low);
        }

        return new IPAddress(bytes);
    }
}
