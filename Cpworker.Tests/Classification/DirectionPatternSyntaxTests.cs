using Cpworker.Engine.Classification;

namespace Cpworker.Tests.Classification;

/// <summary>The pattern grammar of docs/direction.md, "Grammar": what is accepted, how it is grouped, and the exact error messages.</summary>
[TestFixture]
public sealed class DirectionPatternSyntaxTests
{
    private static IEnumerable<TestCaseData> ValidPatterns()
    {
        static TestCaseData Case(string pattern, string tree) => new TestCaseData(pattern, tree).SetArgDisplayNames(pattern);

        yield return Case("host 10.0.0.1", "host 10.0.0.1");
        yield return Case("port 80", "port 80");
        yield return Case("port 0", "port 0");
        yield return Case("port 65535", "port 65535");
        yield return Case("host 0.0.0.0", "host 0.0.0.0");
        yield return Case("host 255.255.255.255", "host 255.255.255.255");

        // "and" binds tighter than "or", on either side.
        yield return Case("host 10.0.0.1 or host 10.0.0.2 and port 80", "(or host 10.0.0.1 (and host 10.0.0.2 port 80))");
        yield return Case("host 10.0.0.1 and port 80 or port 443", "(or (and host 10.0.0.1 port 80) port 443)");
        yield return Case("port 1 or port 2 and port 3 or port 4", "(or port 1 (and port 2 port 3) port 4)");
        yield return Case("port 1 and port 2 and port 3", "(and port 1 port 2 port 3)");

        // Parentheses override it, and nest.
        yield return Case("(host 10.0.0.1 or host 10.0.0.2) and port 80", "(and (or host 10.0.0.1 host 10.0.0.2) port 80)");
        yield return Case("((port 1))", "port 1");
        yield return Case("host 10.0.0.1 and (port 1 or (port 2 and host ::1))", "(and host 10.0.0.1 (or port 1 (and port 2 host ::1)))");
        yield return Case("(host 10.0.0.1)and(port 65535)", "(and host 10.0.0.1 port 65535)");
        yield return Case("  host\t10.0.0.1\n and port 0 ", "(and host 10.0.0.1 port 0)");
        yield return Case(new string('(', 64) + "port 1" + new string(')', 64), "port 1");

        // IPv6 literals, printed in canonical form.
        yield return Case("host 2001:db8::1", "host 2001:db8::1");
        yield return Case("host 2001:DB8:0:0:0:0:0:A", "host 2001:db8::a");
        yield return Case("host ::", "host ::");
        yield return Case("host fe80::1 or host ::1", "(or host fe80::1 host ::1)");
        yield return Case("host ::ffff:10.0.0.1", "host ::ffff:10.0.0.1");

        // Interface references, resolved later.
        yield return Case("host nic.eth0 and port 8011", "(and host nic.eth0 port 8011)");
        yield return Case("host nic.eth0.100 or host nic.veth-a_b", "(or host nic.eth0.100 host nic.veth-a_b)");
        yield return Case("host nic.abcdefghijklmno", "host nic.abcdefghijklmno");
    }

    [TestCaseSource(nameof(ValidPatterns))]
    public void Valid_pattern_parses_with_the_expected_grouping(string pattern, string tree)
    {
        Assert.That(DirectionPatternSyntax.Check(pattern), Is.Null);
        Assert.That(DirectionPatternParser.TryParse(pattern, out DirectionPatternNode? node, out _), Is.True);
        Assert.That(node!.ToString(), Is.EqualTo(tree));
    }

    private static IEnumerable<TestCaseData> InvalidPatterns()
    {
        static TestCaseData Case(string pattern, string error) => new TestCaseData(pattern, error).SetArgDisplayNames(pattern);

        const string empty = "at 1: the pattern is empty; expected \"host\", \"port\" or \"(\"";
        yield return Case("", empty);
        yield return Case(" \t ", empty);

        // Ports: a number is required; no sign, no leading zero, at most 65535.
        yield return Case("host nic.eth0 and port 80x", "at 24: expected a port number after \"port\", found \"80x\"");
        yield return Case("port http", "at 6: expected a port number after \"port\", found \"http\"");
        yield return Case("port", "at 5: expected a port number after \"port\", found the end of the pattern");
        yield return Case("port and port 1", "at 6: expected a port number after \"port\", found \"and\"");
        yield return Case("port (80)", "at 6: expected a port number after \"port\", found \"(\"");
        yield return Case("port +80", "at 6: port \"+80\" must be written without a sign");
        yield return Case("port -1", "at 6: port \"-1\" must be written without a sign");
        yield return Case("port 080", "at 6: port \"080\" has a leading zero");
        yield return Case("port 00", "at 6: port \"00\" has a leading zero");
        yield return Case("port 65536", "at 6: port \"65536\" is out of range (0 to 65535)");
        yield return Case("port 99999999999999999999", "at 6: port \"99999999999999999999\" is out of range (0 to 65535)");

        // Addresses.
        yield return Case("host", "at 5: expected an address after \"host\" (IPv4, IPv6 or nic.IFNAME), found the end of the pattern");
        yield return Case("host example.com", "at 6: expected an address after \"host\" (IPv4, IPv6 or nic.IFNAME), found \"example.com\"");
        yield return Case("host port 80", "at 6: expected an address after \"host\" (IPv4, IPv6 or nic.IFNAME), found \"port\"");
        const string v4Rule = " is not a valid IPv4 address (four decimal numbers 0 to 255 without leading zeros, like 10.0.0.1)";
        yield return Case("host 10.0.0.256", "at 6: \"10.0.0.256\"" + v4Rule);
        yield return Case("host 10.0.0", "at 6: \"10.0.0\"" + v4Rule);
        yield return Case("host 10.0.0.01", "at 6: \"10.0.0.01\"" + v4Rule);
        yield return Case("host 10.0.0.1.5", "at 6: \"10.0.0.1.5\"" + v4Rule);
        yield return Case("host 10.0.0.0/24", "at 6: \"10.0.0.0/24\"" + v4Rule);
        yield return Case("host 10", "at 6: \"10\"" + v4Rule);
        yield return Case("host 1::2::3", "at 6: \"1::2::3\" is not a valid IPv6 address");
        yield return Case("host fe80::1%eth0", "at 6: \"fe80::1%eth0\" is not a valid IPv6 address");
        yield return Case("host [::1]", "at 6: \"[::1]\" is not a valid IPv6 address");
        yield return Case("host 1:2:3:4:5:6:7:8:9", "at 6: \"1:2:3:4:5:6:7:8:9\" is not a valid IPv6 address");
        yield return Case("host nic.", "at 6: expected an interface name after \"nic.\"");
        yield return Case("host nic.abcdefghijklmnop", "at 6: interface name \"abcdefghijklmnop\" is longer than 15 bytes");
        yield return Case("host nic.a/b", "at 6: \"a/b\" is not a valid interface name");
        yield return Case("host nic.eth0:1", "at 6: \"eth0:1\" is not a valid interface name");
        yield return Case("host nic..", "at 6: \".\" is not a valid interface name");

        // Keywords are lowercase, wherever they stand.
        yield return Case("HOST 10.0.0.1", "at 1: \"HOST\": keywords are lowercase (write \"host\")");
        yield return Case("Port 80", "at 1: \"Port\": keywords are lowercase (write \"port\")");
        yield return Case("host 10.0.0.1 AND port 80", "at 15: \"AND\": keywords are lowercase (write \"and\")");
        yield return Case("port 80 Or port 81", "at 9: \"Or\": keywords are lowercase (write \"or\")");
        yield return Case("(port 80 AND port 81)", "at 10: \"AND\": keywords are lowercase (write \"and\")");
        yield return Case("host NIC.eth0", "at 6: \"NIC.eth0\": keywords are lowercase (write \"nic.eth0\")");

        // Operators need operands; nothing may follow a complete pattern.
        yield return Case("or port 80", "at 1: expected \"host\", \"port\" or \"(\", found \"or\"");
        yield return Case("port 80 and", "at 12: expected \"host\", \"port\" or \"(\", found the end of the pattern");
        yield return Case("port 80 or or port 81", "at 12: expected \"host\", \"port\" or \"(\", found \"or\"");
        yield return Case("host 10.0.0.1 and not port 80", "at 19: expected \"host\", \"port\" or \"(\", found \"not\"");
        yield return Case("port 80 and not port 81", "at 13: expected \"host\", \"port\" or \"(\", found \"not\"");
        yield return Case("src host 10.0.0.1", "at 1: expected \"host\", \"port\" or \"(\", found \"src\"");
        yield return Case("port 80 port 81", "at 9: expected \"and\", \"or\" or the end of the pattern, found \"port\"");
        yield return Case("host 10.0.0.1 10.0.0.2", "at 15: expected \"and\", \"or\" or the end of the pattern, found \"10.0.0.2\"");
        yield return Case("port 80 && port 81", "at 9: expected \"and\", \"or\" or the end of the pattern, found \"&&\"");

        // Parentheses must balance.
        yield return Case("port 80 )", "at 9: \")\" has no matching \"(\"");
        yield return Case("(port 80))", "at 10: \")\" has no matching \"(\"");
        yield return Case("(port 80", "at 9: expected \"and\", \"or\" or \")\" to close the \"(\" at 1, found the end of the pattern");
        yield return Case("((port 80)", "at 11: expected \"and\", \"or\" or \")\" to close the \"(\" at 1, found the end of the pattern");
        yield return Case("(port 80 port 81)", "at 10: expected \"and\", \"or\" or \")\" to close the \"(\" at 1, found \"port\"");
        yield return Case("()", "at 2: expected \"host\", \"port\" or \"(\", found \")\"");
        yield return Case(")", "at 1: expected \"host\", \"port\" or \"(\", found \")\"");
        yield return Case(new string('(', 65) + "port 1" + new string(')', 65), "at 65: parentheses are nested deeper than 64");

        // A long word is shortened in the message.
        yield return Case("port " + new string('9', 50) + "x", "at 6: expected a port number after \"port\", found \"" + new string('9', 40) + "…\"");
    }

    [TestCaseSource(nameof(InvalidPatterns))]
    public void Invalid_pattern_is_rejected_with_position_and_reason(string pattern, string error)
    {
        Assert.That(DirectionPatternSyntax.Check(pattern), Is.EqualTo(error));
        Assert.That(DirectionPatternParser.TryParse(pattern, out DirectionPatternNode? node, out string? parseError), Is.False);
        Assert.That(node, Is.Null);
        Assert.That(parseError, Is.EqualTo(error));
    }
}
