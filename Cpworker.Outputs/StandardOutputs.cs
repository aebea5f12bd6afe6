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
    public static OutputTypeRegistry AddStandardOutputs(this OutputTypeRegistry registry) => registry
        .Add(new GreOutputType())
        .Add(new VxlanOutputType())
        .Add(new ZmqOutputType())
        .Add(new FileOutputType())
        .Add(new RotatingFileOutputType());

    /// <summary>A registry with every output type cpworker knows.</summary>
    public static OutputTypeRegistry CreateRegistry() => new OutputTypeRegistry().AddStandardOutputs();
}
