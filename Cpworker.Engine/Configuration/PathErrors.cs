using System.Text;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// Says in our own words why a file-system operation on a path failed, naming the part of the path
/// that is wrong, instead of .NET's exception texts ("Could not find a part of the path …",
/// "Access to the path … is denied") that operators cannot act on (docs/operations.md, "The log").
/// </summary>
public static class PathErrors
{
    /// <summary>The longest name of one path component on Linux (NAME_MAX).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>The longest path Linux accepts (PATH_MAX less the terminating NUL).</summary>
    public const int MaxPathBytes = 4095;

    /// <summary>
    /// Why <paramref name="exception"/> happened to <paramref name="path"/>: a short phrase such as
    /// "/data/x is not a directory" or "permission denied". <paramref name="creating"/> says the
    /// operation was to create the path (a missing file is then not the problem).
    /// </summary>
    public static string Describe(Exception exception, string path, bool creating = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "the path contains a NUL character";
        }

        return exception switch
        {
            PathTooLongException => TooLong(path) ?? "the path is too long",
            FileNotFoundException or DirectoryNotFoundException => Missing(path, creating),
            UnauthorizedAccessException => Directory.Exists(path) ? $"{path} is a directory" : "permission denied",
            IOException io when io.HResult is > 0 and < 4096 => LibC.ErrorText(io.HResult),
            ArgumentException => TooLong(path) ?? "the path is not valid",
            _ => exception.Message,
        };
    }

    /// <summary>
    /// Like <see cref="Describe(Exception, string, bool)"/> where the caller does not know the path:
    /// .NET's file-system messages quote it, so it is taken from there and named first.
    /// </summary>
    public static string FromMessage(Exception exception, bool creating = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        int open = exception.Message.IndexOf("'/", StringComparison.Ordinal);
        int close = open < 0 ? -1 : exception.Message.IndexOf('\'', open + 1);
        if (exception is not (IOException or UnauthorizedAccessException) || close < 0)
        {
            return exception is IOException { HResult: > 0 and < 4096 } io ? LibC.ErrorText(io.HResult) : exception.Message;
        }

        string path = exception.Message[(open + 1)..close];
        string why = Describe(exception, path, creating);
        return why.Contains(path, StringComparison.Ordinal) ? why : $"{path}: {why}";
    }

    /// <summary>What is too long in <paramref name="path"/>; null when nothing is.</summary>
    public static string? TooLong(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            return $"the path is longer than {MaxPathBytes} bytes";
        }

        foreach (string name in path.Split('/'))
        {
            if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            {
                return $"the name \"{Shorten(name)}\" is longer than {MaxNameBytes} bytes";
            }
        }

        return null;
    }

    /// <summary>Which part of <paramref name="path"/> is missing or in the way.</summary>
    private static string Missing(string path, bool creating)
    {
        if (new FileInfo(path).LinkTarget is { } target)
        {
            // The link itself is there, so what is missing is what it points to.
            return $"{path} is a symbolic link to {target}, which does not exist";
        }

        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        string? missing = null;
        while (parent is not null)
        {
            if (Directory.Exists(parent))
            {
                break;
            }

            if (File.Exists(parent))
            {
                return $"{parent} is a file, not a directory";
            }

            missing = parent;
            parent = Path.GetDirectoryName(parent);
        }

        if (missing is not null)
        {
            return $"directory {missing} does not exist";
        }

        return creating ? $"it cannot be created in {parent}" : "it does not exist";
    }

    private static string Shorten(string name) => name.Length <= 40 ? name : name[..20] + "…" + name[^10..];
}
