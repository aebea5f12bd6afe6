using Cpworker.Engine.Outputs;
using Cpworker.Outputs.File;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.RotatingFile;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;

namespace Cpworker.Outputs;

/// <summary>Registers cpworker's output types.</summary>
internal static class StandardOutputs
{
    /// <summary>Adds gre, vxlan, zmq, file and rotating_file to <paramref name="registry"/>.</summary>
    public static OutputTypeRegistry AddStandardOutputs(this OutputTypeRegistry registry)
    {
        foreach (OutputType type in Types())
        {
            registry.Add(type);
        }

        return registry;
    }

    /// <summary>A registry with every output type cpworker knows.</summary>
    public static OutputTypeRegistry CreateRegistry() => new OutputTypeRegistry().AddStandardOutputs();

    /// <summary>A new instance of each of cpworker's output types.</summary>
    internal static IEnumerable<OutputType> Types() =>
    [
        new GreOutputType(),
        new VxlanOutputType(),
        new ZmqOutputType(),
        new FileOutputType(),
        new RotatingFileOutputType(),
    ];
}
