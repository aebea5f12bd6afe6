using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cpworker.Tests.Architecture;

/// <summary>
/// Which folders (namespaces) of an assembly use which, read from the compiled code: signatures,
/// base types, attributes and every type, method and field an instruction names, so that a use
/// inside a method body counts as much as one in a signature.
/// </summary>
internal sealed class FolderGraph
{
    private readonly string _rootNamespace;
    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);

    private FolderGraph(string rootNamespace)
    {
        _rootNamespace = rootNamespace;
    }

    /// <summary>Every folder that holds a type.</summary>
    public SortedSet<string> Folders { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads the assembly at <paramref name="path"/>; folders are the namespaces below <paramref name="rootNamespace"/>.</summary>
    public static FolderGraph Read(string path, string rootNamespace)
    {
        var graph = new FolderGraph(rootNamespace);
        using AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(path);
        foreach (TypeDefinition type in assembly.MainModule.GetTypes())
        {
            string? from = graph.FolderOf(type);
            if (from is null)
            {
                continue;
            }

            graph.Folders.Add(from);
            foreach (TypeReference used in UsedTypes(type))
            {
                graph.Add(from, type, used);
            }
        }

        return graph;
    }

    /// <summary>The folders <paramref name="folder"/> uses (itself excluded).</summary>
    public IEnumerable<string> DependenciesOf(string folder) =>
        _edges.TryGetValue(folder, out var to) ? to.Keys : [];

    /// <summary>Types of <paramref name="from"/> that use <paramref name="to"/>, with the used type: <c>A → B</c>.</summary>
    public IEnumerable<string> Evidence(string from, string to) =>
        _edges.TryGetValue(from, out var targets) && targets.TryGetValue(to, out var uses) ? uses : [];

    /// <summary>Every pair of folders that use each other, each once (<c>A ↔ B</c>, A before B).</summary>
    public IReadOnlyList<(string A, string B)> MutualPairs() =>
        (from a in Folders
         from b in DependenciesOf(a)
         where string.CompareOrdinal(a, b) < 0 && DependenciesOf(b).Contains(a)
         select (a, b)).ToList();

    /// <summary>The edges no longer path implies (transitive reduction), for a readable picture.</summary>
    public IReadOnlyList<(string From, string To)> DirectEdges()
    {
        var result = new List<(string, string)>();
        foreach (string from in Folders)
        {
            foreach (string to in DependenciesOf(from))
            {
                bool implied = DependenciesOf(from).Any(via => via != to && Reaches(via, to, []));
                if (!implied)
                {
                    result.Add((from, to));
                }
            }
        }

        return result;
    }

    private bool Reaches(string from, string to, HashSet<string> seen)
    {
        if (from == to)
        {
            return true;
        }

        if (!seen.Add(from))
        {
            return false;
        }

        return DependenciesOf(from).Any(next => Reaches(next, to, seen));
    }

    private void Add(string from, TypeDefinition user, TypeReference used)
    {
        foreach (TypeReference part in Parts(used))
        {
            // Only the assembly's own types matter; references to other assemblies are never resolved.
            TypeDefinition? definition = part as TypeDefinition
                ?? (part is not GenericParameter && part.Scope == user.Module ? part.Resolve() : null);
            if (definition is null || definition.Module != user.Module)
            {
                continue;
            }

            string? to = FolderOf(definition);
            if (to is null || to == from)
            {
                continue;
            }

            if (!_edges.TryGetValue(from, out var targets))
            {
                _edges[from] = targets = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            }

            if (!targets.TryGetValue(to, out var uses))
            {
                targets[to] = uses = new SortedSet<string>(StringComparer.Ordinal);
            }

            uses.Add($"{Outermost(user).Name} → {Outermost(definition).Name}");
        }
    }

    /// <summary>The folder of a type: the namespace of its outermost declaring type below the root; null outside it.</summary>
    private string? FolderOf(TypeDefinition type)
    {
        string ns = Outermost(type).Namespace;
        if (ns == _rootNamespace)
        {
            return "(root)";
        }

        if (!ns.StartsWith(_rootNamespace + ".", StringComparison.Ordinal))
        {
            return null;
        }

        string rest = ns[(_rootNamespace.Length + 1)..];
        int dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    /// <summary>A type and everything it is built from (element types, generic arguments).</summary>
    private static IEnumerable<TypeReference> Parts(TypeReference? type)
    {
        switch (type)
        {
            case GenericInstanceType generic:
                foreach (TypeReference p in Parts(generic.ElementType))
                {
                    yield return p;
                }

                foreach (TypeReference argument in generic.GenericArguments)
                {
                    foreach (TypeReference p in Parts(argument))
                    {
                        yield return p;
                    }
                }

                break;
            case null:
                break;
            case TypeSpecification spec:
                foreach (TypeReference p in Parts(spec.ElementType))
                {
                    yield return p;
                }

                break;
            default:
                yield return type;
                break;
        }
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null)
        {
            yield return type.BaseType;
        }

        foreach (InterfaceImplementation i in type.Interfaces)
        {
            yield return i.InterfaceType;
        }

        foreach (TypeReference t in AttributeTypes(type.CustomAttributes))
        {
            yield return t;
        }

        foreach (FieldDefinition field in type.Fields)
        {
            yield return field.FieldType;
        }

        foreach (PropertyDefinition property in type.Properties)
        {
            yield return property.PropertyType;
        }

        foreach (EventDefinition e in type.Events)
        {
            yield return e.EventType;
        }

        foreach (MethodDefinition method in type.Methods)
        {
            foreach (TypeReference t in MethodTypes(method))
            {
                yield return t;
            }
        }
    }

    private static IEnumerable<TypeReference> MethodTypes(MethodDefinition method)
    {
        yield return method.ReturnType;
        foreach (ParameterDefinition p in method.Parameters)
        {
            yield return p.ParameterType;
        }

        foreach (TypeReference t in AttributeTypes(method.CustomAttributes))
        {
            yield return t;
        }

        if (!method.HasBody)
        {
            yield break;
        }

        foreach (VariableDefinition v in method.Body.Variables)
        {
            yield return v.VariableType;
        }

        foreach (Instruction instruction in method.Body.Instructions)
        {
            switch (instruction.Operand)
            {
                case TypeReference t:
                    yield return t;
                    break;
                case MethodReference m:
                    yield return m.DeclaringType;
                    yield return m.ReturnType;
                    foreach (ParameterDefinition p in m.Parameters)
                    {
                        yield return p.ParameterType;
                    }

                    if (m is GenericInstanceMethod generic)
                    {
                        foreach (TypeReference argument in generic.GenericArguments)
                        {
                            yield return argument;
                        }
                    }

                    break;
                case FieldReference f:
                    yield return f.DeclaringType;
                    yield return f.FieldType;
                    break;
            }
        }
    }

    private static IEnumerable<TypeReference> AttributeTypes(IEnumerable<CustomAttribute> attributes)
    {
        foreach (CustomAttribute a in attributes)
        {
            yield return a.AttributeType;
            foreach (CustomAttributeArgument argument in a.ConstructorArguments)
            {
                if (argument.Value is TypeReference t)
                {
                    yield return t;
                }
            }
        }
    }
}
