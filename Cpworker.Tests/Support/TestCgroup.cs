using System.Diagnostics;

namespace Cpworker.Tests.Support;

/// <summary>
/// A cgroup directory made for one test, at a path named like a Kubernetes pod's (so that
/// <c>/proc/PID/cgroup</c> of a process put in it reads as a pod's container), in the first
/// writable hierarchy: cgroup v2 when mounted, else a v1 hierarchy (hybrid hosts). Processes
/// started in it are killed and the directories removed on dispose, also when the test failed.
/// </summary>
internal sealed class TestCgroup : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly List<string> _created = [];

    /// <summary>Creates <paramref name="relativePath"/> (e.g. <c>kubepods.slice/…/cri-containerd-ID.scope</c>) below a writable hierarchy.</summary>
    public TestCgroup(string relativePath)
    {
        Mount = FindWritableHierarchy() ?? throw new InvalidOperationException("no writable cgroup hierarchy on this host");
        Path = "/" + relativePath.Trim('/');
        string dir = Mount;
        foreach (string part in relativePath.Trim('/').Split('/'))
        {
            dir = System.IO.Path.Combine(dir, part);
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                _created.Add(dir);
            }
        }

        FullPath = dir;
    }

    /// <summary>Mount point of the hierarchy used.</summary>
    public string Mount { get; }

    /// <summary>The cgroup's path as <c>/proc/PID/cgroup</c> shows it.</summary>
    public string Path { get; }

    /// <summary>The cgroup's directory.</summary>
    public string FullPath { get; }

    /// <summary>Starts <c>sleep</c> inside named netns <paramref name="netns"/> and moves it into this cgroup; it ends on <see cref="Kill"/> or dispose.</summary>
    public Process StartSleeper(string netns)
    {
        // ip netns exec execs the command: the PID is sleep's own, in the namespace.
        Process p = Run.Start("ip", $"netns exec {netns} sleep 600");
        _processes.Add(p);
        File.AppendAllText(System.IO.Path.Combine(FullPath, "cgroup.procs"), p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return p;
    }

    /// <summary>Kills <paramref name="p"/> and waits until it is gone.</summary>
    public static void Kill(Process p)
    {
        if (!p.HasExited)
        {
            p.Kill();
            p.WaitForExit(10_000);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Process p in _processes)
        {
            try
            {
                Kill(p);
            }
            catch (InvalidOperationException)
            {
                // never started or already reaped
            }

            p.Dispose();
        }

        for (int i = _created.Count - 1; i >= 0; i--)
        {
            // rmdir of a cgroup succeeds once its processes are gone; they may take a moment to leave.
            Run.Until(() => TryRemove(_created[i]), 5_000, 50);
        }
    }

    private static bool TryRemove(string dir)
    {
        try
        {
            System.IO.Directory.Delete(dir);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? FindWritableHierarchy()
    {
        var candidates = new List<string>();
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // … mount-point … - fstype source super-options
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 0 || dash + 3 >= f.Length)
            {
                continue;
            }

            string fstype = f[dash + 1];
            string options = f[dash + 3];
            if (fstype == "cgroup2")
            {
                candidates.Insert(0, f[4]);
            }
            else if (fstype == "cgroup" && (options.Contains("name=systemd", StringComparison.Ordinal) || options.Contains("pids", StringComparison.Ordinal)))
            {
                candidates.Add(f[4]);
            }
        }

        foreach (string mount in candidates)
        {
            string probe = System.IO.Path.Combine(mount, $"cpwt-probe-{Environment.ProcessId}");
            try
            {
                System.IO.Directory.CreateDirectory(probe);
                System.IO.Directory.Delete(probe);
                return mount;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // read-only or delegated elsewhere: try the next
            }
        }

        return null;
    }
}
