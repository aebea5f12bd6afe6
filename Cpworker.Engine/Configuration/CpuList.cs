using System.Globalization;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// The Linux CPU list syntax of <c>cpu_affinity</c> and <c>/sys/devices/system/cpu/online</c>:
/// <c>"1"</c>, <c>"1,3"</c>, <c>"2-5,8"</c>.
/// </summary>
internal static class CpuList
{
    /// <summary>Largest CPU number a thread can be pinned to (the 1024-bit mask of glibc's cpu_set_t).</summary>
    public const int MaxCpu = 1023;

    /// <summary>
    /// The CPUs of <paramref name="text"/> in the order written (ranges ascending); null with
    /// <paramref name="error"/> set when the text is malformed, a range runs backwards or a CPU repeats.
    /// </summary>
    public static List<int>? Parse(string text, out string? error)
    {
        var cpus = new List<int>();
        var seen = new HashSet<int>();
        foreach (string rawItem in text.Split(','))
        {
            string item = rawItem.Trim();
            if (item.Length == 0)
            {
                error = $"\"{text}\" has an empty item (expected a list like \"1\", \"1,3\" or \"2-5,8\")";
                return null;
            }

            int dash = item.IndexOf('-');
            string firstText = dash < 0 ? item : item[..dash].Trim();
            string lastText = dash < 0 ? item : item[(dash + 1)..].Trim();
            if (!TryCpu(firstText, out int first) || !TryCpu(lastText, out int last))
            {
                error = $"\"{item}\" is not a CPU number or range (expected a list like \"1\", \"1,3\" or \"2-5,8\"; CPUs 0 … {MaxCpu})";
                return null;
            }

            if (last < first)
            {
                error = $"range \"{item}\" runs backwards";
                return null;
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                if (!seen.Add(cpu))
                {
                    error = $"CPU {cpu} is listed more than once";
                    return null;
                }

                cpus.Add(cpu);
            }
        }

        error = null;
        return cpus;
    }

    private static bool TryCpu(string s, out int cpu)
    {
        cpu = -1;
        if (s.Length == 0 || s.Length > 4 || !s.All(char.IsAsciiDigit))
        {
            return false;
        }

        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu <= MaxCpu;
    }
}
