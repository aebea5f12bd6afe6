using System.Text.RegularExpressions;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Documentation;

/// <summary>
/// Comments cite the repository's own documents, by path and section name
/// (<c>docs/operations.md, "Reload"</c>), never a document outside it or a numbered section of one
/// (docs/development.md, "Citing the documents"). A citation that does not resolve fails here.
/// </summary>
public partial class DocReferenceTests
{
    private static readonly string[] s_skippedDirectories = ["bin", "obj", "artifacts", "TestResults", ".git"];

    /// <summary>The project's original design documents, which live outside the repository (a bare name of a file the code writes, like <c>soak.md</c>, is fine).</summary>
    private static readonly string[] s_outsideDocuments = ["behaviour.md", "wire.md", "architecture.md", "style.md", "platform-notes.md"];

    [Test]
    public void Every_cited_document_is_in_the_repository()
    {
        var problems = new List<string>();
        foreach ((string file, int line, string comment) in Comments())
        {
            foreach (Match m in DocumentPath().Matches(comment))
            {
                string path = m.Value;
                bool bare = !path.Contains('/', StringComparison.Ordinal);
                if (bare && (s_outsideDocuments.Contains(path) || File.Exists(Path.Combine(Repository.Root, "docs", path))))
                {
                    problems.Add($"{file}:{line}: cites {path} without its folder; cite docs/<file>.md (the repository's own document)");
                }
                else if (!bare && !File.Exists(Path.Combine(Repository.Root, path)))
                {
                    problems.Add($"{file}:{line}: cites {path}, which is not a file of the repository (cite docs/<file>.md)");
                }
            }

            foreach (Match m in NumberedSection().Matches(comment))
            {
                problems.Add($"{file}:{line}: cites a numbered section (\"{m.Value.Trim()}\") of a document that is not in the repository; cite docs/<file>.md and its section's name");
            }

            if (comment.Contains("/work/shared", StringComparison.Ordinal) || comment.Contains("spec/", StringComparison.Ordinal))
            {
                problems.Add($"{file}:{line}: cites the shared spec folder; the rule belongs in docs/");
            }
        }

        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [Test]
    public void Every_cited_section_exists_in_its_document()
    {
        var headings = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var problems = new List<string>();
        int cited = 0;
        foreach ((string file, int line, string comment) in Comments())
        {
            foreach (Match m in SectionCitation().Matches(comment))
            {
                string doc = m.Groups["doc"].Value;
                string full = Path.Combine(Repository.Root, doc);
                if (!File.Exists(full))
                {
                    continue; // reported by the other test
                }

                if (!headings.TryGetValue(doc, out HashSet<string>? known))
                {
                    known = Headings(full);
                    headings[doc] = known;
                }

                cited++;
                string section = m.Groups["section"].Value;
                if (!known.Contains(Normalize(section)))
                {
                    problems.Add($"{file}:{line}: {doc} has no section \"{section}\"");
                }
            }
        }

        Assert.That(cited, Is.GreaterThan(50), "the scan found the code's citations");
        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [Test]
    public void The_scan_catches_an_outside_citation()
    {
        // The patterns themselves, on the kinds of comment this test exists to stop.
        Assert.That(NumberedSection().IsMatch(" The control socket (behaviour §7)."), Is.True);
        Assert.That(NumberedSection().IsMatch(" of wire.md §3 and §5."), Is.True);
        Assert.That(NumberedSection().IsMatch(" RFC 1071 §2(B): the sum is byte-order independent"), Is.False);
        Assert.That(DocumentPath().Match(" see architecture.md for the layout").Value, Is.EqualTo("architecture.md"));
        Assert.That(s_outsideDocuments, Does.Contain("architecture.md").And.Contain("behaviour.md").And.Contain("wire.md"));
        Assert.That(DocumentPath().Match(" see docs/nosuch.md").Value, Is.EqualTo("docs/nosuch.md"));
        Assert.That(File.Exists(Path.Combine(Repository.Root, "docs", "nosuch.md")), Is.False);
        Match m = SectionCitation().Match(" (docs/operations.md, \"The control socket\")");
        Assert.That(m.Groups["doc"].Value, Is.EqualTo("docs/operations.md"));
        Assert.That(m.Groups["section"].Value, Is.EqualTo("The control socket"));
    }

    /// <summary>Every comment of every C# file of the repository: file (relative), line number, comment text.</summary>
    private static IEnumerable<(string File, int Line, string Comment)> Comments()
    {
        foreach (string path in SourceFiles(Repository.Root))
        {
            string relative = Path.GetRelativePath(Repository.Root, path);
            string[] lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                string text = lines[i];
                string trimmed = text.TrimStart();
                int at = trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith('*') || trimmed.StartsWith("/*", StringComparison.Ordinal)
                    ? text.Length - trimmed.Length
                    : text.IndexOf(" // ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    yield return (relative, i + 1, text[at..]);
                }
            }
        }
    }

    private static IEnumerable<string> SourceFiles(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "*.cs"))
        {
            yield return file;
        }

        foreach (string sub in Directory.EnumerateDirectories(directory))
        {
            if (!s_skippedDirectories.Contains(Path.GetFileName(sub)))
            {
                foreach (string file in SourceFiles(sub))
                {
                    yield return file;
                }
            }
        }
    }

    private static HashSet<string> Headings(string markdown)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(markdown))
        {
            Match m = Heading().Match(line);
            if (m.Success)
            {
                set.Add(Normalize(m.Groups[1].Value));
            }
        }

        return set;
    }

    /// <summary>Headings are compared without Markdown code marks and case: <c>## `rotating_file`</c> is "rotating_file".</summary>
    private static string Normalize(string heading) => heading.Replace("`", "", StringComparison.Ordinal).Trim().ToLowerInvariant();

    /// <summary>A path ending in .md (a document), optionally with folders.</summary>
    [GeneratedRegex(@"(?<![\w./-])(?:[\w-]+/)*[\w-]+\.md\b")]
    private static partial Regex DocumentPath();

    /// <summary>"§" and a number, unless it is a section of an RFC ("RFC 1071 §2").</summary>
    [GeneratedRegex(@"(?<!RFC \d+ )§\s*\d")]
    private static partial Regex NumberedSection();

    /// <summary><c>docs/&lt;file&gt;.md, "Section"</c> (the comma is optional).</summary>
    [GeneratedRegex(@"(?<doc>docs/[\w-]+\.md),?\s+""(?<section>[^""]+)""")]
    private static partial Regex SectionCitation();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
