namespace Cpworker.Outputs.RotatingFile;

/// <summary>
/// <c>max_files</c>: the complete files of one <c>file_root</c>, oldest first by the time in their
/// names, and the deletion of the oldest beyond the limit. Only names of this output's scheme in
/// hour directories are considered; an hour directory left empty is removed.
/// </summary>
/// <remarks>Used by the transport's thread only.</remarks>
internal sealed class RotatingFileRetention
{
    private readonly string _fileRoot;
    private readonly int _maxFiles;

    /// <summary>Complete files, sorted oldest first.</summary>
    private readonly List<Entry> _files = [];

    /// <summary>Creates the list for <paramref name="fileRoot"/>; <paramref name="maxFiles"/> 0 keeps every file (and tracks none).</summary>
    public RotatingFileRetention(string fileRoot, int maxFiles)
    {
        _fileRoot = fileRoot;
        _maxFiles = maxFiles;
    }

    /// <summary>Adds the complete files already under <c>file_root</c> (left by earlier runs).</summary>
    public void Scan()
    {
        if (_maxFiles == 0 || !Directory.Exists(_fileRoot))
        {
            return;
        }

        foreach (string directory in Directory.EnumerateDirectories(_fileRoot))
        {
            if (!RotatingFileNames.IsHourDirectoryName(Path.GetFileName(directory)))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(directory))
            {
                Add(file);
            }
        }
    }

    /// <summary>Records a complete file; ignored when its name is not of the output's scheme.</summary>
    public void Add(string path)
    {
        if (_maxFiles == 0 || !RotatingFileNames.TryParse(Path.GetFileName(path), out long stamp, out int suffix))
        {
            return;
        }

        var entry = new Entry(stamp, suffix, path);
        int i = _files.BinarySearch(entry);
        if (i >= 0)
        {
            return; // already known
        }

        _files.Insert(~i, entry);
    }

    /// <summary>
    /// Deletes the oldest files beyond <c>max_files</c> and the hour directories they leave empty.
    /// The directory of the file being written is never empty (its <c>.part</c> file is there), and
    /// the newest complete file is never deleted, so neither directory goes.
    /// </summary>
    /// <exception cref="IOException">A file or directory could not be removed; it is forgotten, the rest stays for the next call.</exception>
    public void Prune()
    {
        if (_maxFiles == 0)
        {
            return;
        }

        while (_files.Count > _maxFiles)
        {
            Entry oldest = _files[0];
            _files.RemoveAt(0);
            System.IO.File.Delete(oldest.Path);
            string? directory = Path.GetDirectoryName(oldest.Path);
            if (directory is not null
                && Directory.Exists(directory)
                && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
    }

    /// <summary>A complete file and the order key from its name.</summary>
    private readonly record struct Entry(long Stamp, int Suffix, string Path) : IComparable<Entry>
    {
        public int CompareTo(Entry other)
        {
            int c = Stamp.CompareTo(other.Stamp);
            if (c == 0)
            {
                c = Suffix.CompareTo(other.Suffix);
            }

            return c != 0 ? c : string.CompareOrdinal(Path, other.Path);
        }
    }
}
