using System.Globalization;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;
using Microsoft.Extensions.Logging;

namespace Cpworker.Outputs.File;

/// <summary>
/// The <c>file</c> output's transport: one pcap file at <see cref="FileSettings.Name"/>. A file
/// already there is renamed to <c>&lt;name&gt;.&lt;yyyyMMdd-HHmmss&gt;</c> (local time, <c>_1</c>,
/// <c>_2</c> … when that is taken too) before a new one is created: nothing is ever truncated.
/// After a write failure the next buffer starts a new file the same way. The file is created when
/// the output first runs, not when it is built.
/// </summary>
/// <remarks>Called from one thread at a time, as every <see cref="OutputTransport"/>.</remarks>
internal sealed class FileTransport : PcapFileTransport
{
    /// <summary>Most <c>_n</c> suffixes tried for a renamed file before giving up.</summary>
    private const int MaxSuffix = 10_000;

    private readonly string _path;

    /// <summary>Creates the transport; the file is created when the output first runs.</summary>
    /// <exception cref="OutputStartException">The file's directory does not exist, or the name is a directory.</exception>
    public FileTransport(FileSettings settings, OutputContext context)
        : base(context, settings.TimestampPrecision == TimestampPrecision.Nano)
    {
        _path = settings.Name;
        string? directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            throw new OutputStartException($"{context.DisplayName}: the directory {directory} of {_path} does not exist");
        }

        if (Directory.Exists(_path))
        {
            throw new OutputStartException($"{context.DisplayName}: {_path} is a directory, not a file name");
        }
    }

    /// <inheritdoc/>
    protected override PcapFileWriter OpenFile(DateTimeOffset nameTime)
    {
        string? directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory); // removed while running: recreate it
        }

        if (System.IO.File.Exists(_path))
        {
            SetAside(nameTime);
        }

        return PcapFileWriter.CreateNew(_path, GlobalHeader);
    }

    /// <summary>Renames the existing file at the output's path out of the way.</summary>
    private void SetAside(DateTimeOffset now)
    {
        DateTimeOffset local = TimeZoneInfo.ConvertTime(now, Time.LocalTimeZone);
        string stem = _path + "." + local.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        for (int n = 0; n <= MaxSuffix; n++)
        {
            string target = n == 0 ? stem : stem + "_" + n.ToString(CultureInfo.InvariantCulture);
            if (System.IO.File.Exists(target) || Directory.Exists(target))
            {
                continue;
            }

            System.IO.File.Move(_path, target, overwrite: false);
            TransportLog.RenamedExisting(Logger, Context.DisplayName, _path, target);
            return;
        }

        throw new IOException($"cannot rename the existing {_path}: every name up to {stem}_{MaxSuffix} is taken");
    }
}
