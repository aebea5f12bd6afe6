namespace Cpworker.Engine.Classification;

/// <summary>Checks the syntax of a <c>req_pattern.custom.pattern</c> without resolving interfaces.</summary>
internal static class DirectionPatternSyntax
{
    /// <summary>
    /// Null when <paramref name="pattern"/> is well formed; else what is wrong and where, as
    /// <c>at N: …</c> with N the 1-based character position of the offending word (the pattern's
    /// length + 1 when the pattern ends too early), e.g.
    /// <c>at 24: expected a port number after "port", found "80x"</c>.
    /// </summary>
    public static string? Check(string pattern) =>
        DirectionPatternParser.TryParse(pattern, out _, out string? error) ? null : error;
}
