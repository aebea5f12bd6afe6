using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cpworker.Engine.Classification;

/// <summary>
/// Reads a <c>req_pattern.custom.pattern</c> (docs/direction.md, "Grammar") into a <see cref="DirectionPatternNode"/> tree:
/// <c>expr := term ("or" term)*</c>, <c>term := factor ("and" factor)*</c>,
/// <c>factor := "(" expr ")" | "host" ADDR | "port" N</c>.
/// </summary>
/// <remarks>
/// Words are separated by white space; <c>(</c> and <c>)</c> are words of their own. Errors name
/// the 1-based character position of the offending word (the pattern's length + 1 for its end):
/// <c>at 24: expected a port number after "port", found "80x"</c>. Only the first problem is
/// reported. Runs at config time only; an instance reads one pattern.
/// </remarks>
internal sealed class DirectionPatternParser
{
    /// <summary>Deepest nesting of parentheses accepted (keeps the recursive descent's stack bounded).</summary>
    public const int MaxNesting = 64;

    /// <summary>Longest Linux interface name, in bytes (IFNAMSIZ − 1).</summary>
    public const int MaxInterfaceNameLength = 15;

    private const string InterfacePrefix = "nic.";
    private const int MaxQuotedLength = 40;

    private static readonly SearchValues<char> s_ipv6Characters = SearchValues.Create("0123456789abcdefABCDEF.:");

    // Kinds of the current word.
    private const int TokenEnd = 0;
    private const int TokenOpen = 1;
    private const int TokenClose = 2;
    private const int TokenHost = 3;
    private const int TokenPort = 4;
    private const int TokenAnd = 5;
    private const int TokenOr = 6;
    private const int TokenMiscasedKeyword = 7;
    private const int TokenWord = 8;

    /// <summary>The pattern being read.</summary>
    private readonly string _text;

    /// <summary>Index of the first character after the current word.</summary>
    private int _next;

    /// <summary>0-based index of the current word (the text's length at its end).</summary>
    private int _tokenStart;

    /// <summary>Length of the current word; 0 at the end.</summary>
    private int _tokenLength;

    /// <summary>Kind of the current word (<c>Token…</c> constants).</summary>
    private int _token;

    /// <summary>How many <c>(</c> are open.</summary>
    private int _depth;

    /// <summary>The first problem found, with its position; null while all is well.</summary>
    private string? _error;

    private DirectionPatternParser(string text) => _text = text;

    private ReadOnlySpan<char> Current => _text.AsSpan(_tokenStart, _tokenLength);

    /// <summary>Parses <paramref name="pattern"/>; on failure <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string pattern, [NotNullWhen(true)] out DirectionPatternNode? tree, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var parser = new DirectionPatternParser(pattern);
        tree = parser.ParseAll();
        error = parser._error;
        Debug.Assert((tree is null) != (error is null));
        return tree is not null;
    }

    private DirectionPatternNode? ParseAll()
    {
        Advance();
        if (_token == TokenEnd)
        {
            _error = "at 1: the pattern is empty; expected \"host\", \"port\" or \"(\"";
            return null;
        }

        DirectionPatternNode? tree = ParseExpression();
        if (tree is null)
        {
            return null;
        }

        return _token switch
        {
            TokenEnd => tree,
            TokenClose => Fail("\")\" has no matching \"(\""),
            _ => Unexpected("\"and\", \"or\" or the end of the pattern"),
        };
    }

    private DirectionPatternNode? ParseExpression()
    {
        DirectionPatternNode? first = ParseTerm();
        if (first is null || _token != TokenOr)
        {
            return first;
        }

        var operands = new List<DirectionPatternNode> { first };
        while (_token == TokenOr)
        {
            Advance();
            DirectionPatternNode? next = ParseTerm();
            if (next is null)
            {
                return null;
            }

            operands.Add(next);
        }

        return DirectionPatternNode.Operator(DirectionPatternNodeKind.Or, operands, first.Position);
    }

    private DirectionPatternNode? ParseTerm()
    {
        DirectionPatternNode? first = ParseFactor();
        if (first is null || _token != TokenAnd)
        {
            return first;
        }

        var operands = new List<DirectionPatternNode> { first };
        while (_token == TokenAnd)
        {
            Advance();
            DirectionPatternNode? next = ParseFactor();
            if (next is null)
            {
                return null;
            }

            operands.Add(next);
        }

        return DirectionPatternNode.Operator(DirectionPatternNodeKind.And, operands, first.Position);
    }

    private DirectionPatternNode? ParseFactor()
    {
        int position = _tokenStart + 1;
        switch (_token)
        {
            case TokenOpen:
                if (++_depth > MaxNesting)
                {
                    return Fail($"parentheses are nested deeper than {MaxNesting}");
                }

                Advance();
                DirectionPatternNode? inner = ParseExpression();
                if (inner is null)
                {
                    return null;
                }

                if (_token != TokenClose)
                {
                    return Unexpected($"\"and\", \"or\" or \")\" to close the \"(\" at {position}");
                }

                _depth--;
                Advance();
                return inner;

            case TokenHost:
                Advance();
                return ParseAddress(position);

            case TokenPort:
                Advance();
                return ParsePort(position);

            default:
                return Unexpected("\"host\", \"port\" or \"(\"");
        }
    }

    private DirectionPatternNode? ParseAddress(int position)
    {
        if (_token != TokenWord)
        {
            return Unexpected("an address after \"host\" (IPv4, IPv6 or nic.IFNAME)");
        }

        ReadOnlySpan<char> word = Current;
        DirectionPatternNode? node;
        if (word.StartsWith(InterfacePrefix, StringComparison.Ordinal))
        {
            node = ParseInterfaceName(word.Slice(InterfacePrefix.Length), position);
        }
        else if (word.StartsWith(InterfacePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"{Quote(word)}: keywords are lowercase (write \"{InterfacePrefix}{word.Slice(InterfacePrefix.Length)}\")");
        }
        else if (word.Contains(':') || char.IsAsciiDigit(word[0]))
        {
            node = ParseAddressLiteral(word, position);
        }
        else
        {
            return Unexpected("an address after \"host\" (IPv4, IPv6 or nic.IFNAME)");
        }

        if (node is not null)
        {
            Advance();
        }

        return node;
    }

    private DirectionPatternNode? ParseAddressLiteral(ReadOnlySpan<char> word, int position)
    {
        if (!word.Contains(':'))
        {
            Span<byte> bytes = stackalloc byte[4];
            return TryParseIPv4(word, bytes)
                ? DirectionPatternNode.Host(new IPAddress(bytes), position)
                : Fail($"{Quote(word)} is not a valid IPv4 address (four decimal numbers 0 to 255 without leading zeros, like 10.0.0.1)");
        }

        // Hex digits, colons and dots only: IPAddress.TryParse alone would also take a zone index or brackets.
        return !word.ContainsAnyExcept(s_ipv6Characters)
            && IPAddress.TryParse(word, out IPAddress? address)
            && address.AddressFamily == AddressFamily.InterNetworkV6
            ? DirectionPatternNode.Host(address, position)
            : Fail($"{Quote(word)} is not a valid IPv6 address");
    }

    /// <summary>Strict dotted quad: exactly four decimal parts, 0–255, no leading zeros (which some tools read as octal).</summary>
    private static bool TryParseIPv4(ReadOnlySpan<char> s, Span<byte> bytes)
    {
        int i = 0;
        for (int part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (i >= s.Length || s[i] != '.')
                {
                    return false;
                }

                i++;
            }

            int start = i;
            int value = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]) && i - start < 3)
            {
                value = (value * 10) + (s[i] - '0');
                i++;
            }

            int digits = i - start;
            if (digits == 0 || (digits > 1 && s[start] == '0') || value > 255)
            {
                return false;
            }

            bytes[part] = (byte)value;
        }

        return i == s.Length;
    }

    private DirectionPatternNode? ParseInterfaceName(ReadOnlySpan<char> name, int position)
    {
        if (name.IsEmpty)
        {
            return Fail("expected an interface name after \"nic.\"");
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxInterfaceNameLength)
        {
            return Fail($"interface name {Quote(name)} is longer than {MaxInterfaceNameLength} bytes");
        }

        // What Linux accepts as a device name: not "." or "..", no '/' or ':'.
        if (name is "." or ".." || name.ContainsAny('/', ':'))
        {
            return Fail($"{Quote(name)} is not a valid interface name");
        }

        return DirectionPatternNode.HostOf(name.ToString(), position);
    }

    private DirectionPatternNode? ParsePort(int position)
    {
        const string expected = "a port number after \"port\"";
        if (_token != TokenWord)
        {
            return Unexpected(expected);
        }

        ReadOnlySpan<char> word = Current;
        bool signed = word.Length > 1 && (word[0] == '+' || word[0] == '-');
        ReadOnlySpan<char> digits = signed ? word.Slice(1) : word;
        if (digits.ContainsAnyExceptInRange('0', '9'))
        {
            return Unexpected(expected);
        }

        if (signed)
        {
            return Fail($"port {Quote(word)} must be written without a sign");
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            return Fail($"port {Quote(word)} has a leading zero");
        }

        if (digits.Length > 5 || int.Parse(digits) > ushort.MaxValue)
        {
            return Fail($"port {Quote(word)} is out of range (0 to 65535)");
        }

        var node = DirectionPatternNode.PortOf(ushort.Parse(digits), position);
        Advance();
        return node;
    }

    /// <summary>Moves to the next word and classifies it.</summary>
    private void Advance()
    {
        int i = _next;
        while (i < _text.Length && char.IsWhiteSpace(_text[i]))
        {
            i++;
        }

        _tokenStart = i;
        if (i == _text.Length)
        {
            _tokenLength = 0;
            _token = TokenEnd;
            _next = i;
            return;
        }

        char c = _text[i];
        if (c is '(' or ')')
        {
            _tokenLength = 1;
            _token = c == '(' ? TokenOpen : TokenClose;
            _next = i + 1;
            return;
        }

        while (i < _text.Length && !char.IsWhiteSpace(_text[i]) && _text[i] is not '(' and not ')')
        {
            i++;
        }

        _tokenLength = i - _tokenStart;
        _next = i;
        _token = Classify(Current);
    }

    private static int Classify(ReadOnlySpan<char> word) => word switch
    {
        "host" => TokenHost,
        "port" => TokenPort,
        "and" => TokenAnd,
        "or" => TokenOr,
        _ when word.Equals("host", StringComparison.OrdinalIgnoreCase)
            || word.Equals("port", StringComparison.OrdinalIgnoreCase)
            || word.Equals("and", StringComparison.OrdinalIgnoreCase)
            || word.Equals("or", StringComparison.OrdinalIgnoreCase) => TokenMiscasedKeyword,
        _ => TokenWord,
    };

    /// <summary>Reports the current word as not what was <paramref name="expected"/> (or as a miscased keyword).</summary>
    private DirectionPatternNode? Unexpected(string expected)
    {
        if (_token == TokenMiscasedKeyword)
        {
            return Fail($"{Quote(Current)}: keywords are lowercase (write \"{Current.ToString().ToLowerInvariant()}\")");
        }

        string found = _token == TokenEnd ? "the end of the pattern" : Quote(Current);
        return Fail($"expected {expected}, found {found}");
    }

    /// <summary>Records <paramref name="message"/> at the current word's position; returns null for the caller to pass up.</summary>
    private DirectionPatternNode? Fail(string message)
    {
        _error ??= $"at {_tokenStart + 1}: {message}";
        return null;
    }

    private static string Quote(ReadOnlySpan<char> word) =>
        word.Length <= MaxQuotedLength ? $"\"{word}\"" : $"\"{word.Slice(0, MaxQuotedLength)}…\"";
}
