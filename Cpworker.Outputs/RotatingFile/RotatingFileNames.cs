using System.Globalization;

namespace Cpworker.Outputs.RotatingFile;

/// <summary>
/// The names <c>rotating_file</c> writes (docs/files.md, "rotating_file"):
/// <c>&lt;file_root&gt;/&lt;yyyyMMddHH&gt;/pktminerg_dump_&lt;yyyyMMddHHmmss&gt;[_n].pcap</c> in
/// local time, <c>.part</c> appended while the file is written.
/// </summary>
internal static class RotatingFileNames
{
    /// <summary>Start of every file name.</summary>
    public const string Prefix = "pktminerg_dump_";

    /// <summary>Extension of a complete file.</summary>
    public const string Extension = ".pcap";

    /// <summary>Appended to a file while it is written.</summary>
    public const string PartSuffix = ".part";

    /// <summary>The hour directory for a file named at local time <paramref name="local"/>.</summary>
    public static string HourDirectory(string fileRoot, DateTimeOffset local) =>
        Path.Combine(fileRoot, local.ToString("yyyyMMddHH", CultureInfo.InvariantCulture));

    /// <summary>The complete name (without directory) of file <paramref name="suffix"/> of the second <paramref name="local"/>.</summary>
    public static string FileName(DateTimeOffset local, int suffix)
    {
        string stamp = local.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        return suffix == 0
            ? Prefix + stamp + Extension
            : Prefix + stamp + "_" + suffix.ToString(CultureInfo.InvariantCulture) + Extension;
    }

    /// <summary>True when <paramref name="name"/> is an hour directory's name: ten digits.</summary>
    public static bool IsHourDirectoryName(string name) => name.Length == 10 && AllDigits(name);

    /// <summary>
    /// Reads a complete file's name: its timestamp as the number yyyyMMddHHmmss and its suffix.
    /// False for any other name, so nothing this output did not write is ever touched.
    /// </summary>
    public static bool TryParse(string fileName, out long stamp, out int suffix)
    {
        stamp = 0;
        suffix = 0;
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> middle = fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length);
        if (middle.Length < 14 || !AllDigits(middle[..14]))
        {
            return false;
        }

        stamp = long.Parse(middle[..14], NumberStyles.None, CultureInfo.InvariantCulture);
        if (middle.Length == 14)
        {
            return true;
        }

        ReadOnlySpan<char> rest = middle[14..];
        return rest.Length >= 2 && rest.Length <= 10 && rest[0] == '_' && rest[1] != '0' && AllDigits(rest[1..])
            && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out suffix);
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
