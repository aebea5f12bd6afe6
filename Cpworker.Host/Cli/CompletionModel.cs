using System.CommandLine;
using System.CommandLine.Completions;

namespace Cpworker.Host.Cli;

/// <summary>
/// The command tree as shell completion needs it, read from System.CommandLine's own tree: for
/// each command path, its subcommands, its options (with the inherited recursive ones), which
/// options take a value and what to offer for it, and the fixed values of its arguments.
/// </summary>
internal sealed class CompletionModel
{
    private CompletionModel()
    {
    }

    /// <summary>Every command by path (<c>""</c> for the root, <c>"ctl stats"</c> …), in tree order.</summary>
    public List<Node> Nodes { get; } = new();

    /// <summary>Reads the tree under <paramref name="root"/>.</summary>
    public static CompletionModel From(Command root)
    {
        var model = new CompletionModel();
        model.Walk(root, "", []);
        return model;
    }

    private void Walk(Command command, string path, List<Option> inherited)
    {
        var options = new List<Option>(inherited);
        options.AddRange(command.Options.Where(o => !o.Hidden && !inherited.Contains(o)));
        var node = new Node(path);
        node.Subcommands.AddRange(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        foreach (Option o in options)
        {
            // Only the POSIX spellings: "/?" and "-?" would be globbed by the shell.
            string[] names = new[] { o.Name }.Concat(o.Aliases).Where(n => n.Length > 1 && n[0] == '-' && char.IsAsciiLetter(n.TrimStart('-').FirstOrDefault())).ToArray();
            node.Options.AddRange(names);
            if (TakesValue(o))
            {
                node.ValueOptions.Add((names, ValueOffer(o)));
            }
        }

        foreach (Argument a in command.Arguments.Where(a => !a.Hidden))
        {
            node.ArgumentValues.AddRange(a.GetCompletions(CompletionContext.Empty).Select(c => c.Label));
        }

        Nodes.Add(node);
        List<Option> passDown = options.Where(o => o.Recursive).ToList();
        foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
        {
            Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}", passDown);
        }
    }

    private static bool TakesValue(Option o) =>
        o.ValueType != typeof(bool) && o.Arity.MaximumNumberOfValues > 0;

    /// <summary>Fixed words, or <see cref="Files"/> for a file or path, or nothing (a free value).</summary>
    private static IReadOnlyList<string> ValueOffer(Option o)
    {
        List<string> fixedValues = o.GetCompletions(CompletionContext.Empty).Select(c => c.Label).Distinct(StringComparer.Ordinal).ToList();
        if (fixedValues.Count > 0)
        {
            return fixedValues;
        }

        return o.HelpName is "FILE" or "PATH" ? Files : [];
    }

    /// <summary>The offer meaning "complete a file name".</summary>
    public static readonly IReadOnlyList<string> Files = ["<files>"];

    /// <summary>One command.</summary>
    /// <param name="Path">Its words after <c>cpworker</c>, space-separated.</param>
    public sealed record Node(string Path)
    {
        /// <summary>Names of its subcommands.</summary>
        public List<string> Subcommands { get; } = new();

        /// <summary>Every option name and alias it accepts.</summary>
        public List<string> Options { get; } = new();

        /// <summary>Options that take a value, and what to offer for it.</summary>
        public List<(string[] Names, IReadOnlyList<string> Offer)> ValueOptions { get; } = new();

        /// <summary>Fixed values of its arguments (log levels, shells).</summary>
        public List<string> ArgumentValues { get; } = new();
    }
}
