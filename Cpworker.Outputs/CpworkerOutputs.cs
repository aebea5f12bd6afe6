using Cpworker.Engine.Runtime;

namespace Cpworker.Outputs;

/// <summary>Adds cpworker's output types to an engine: gre, vxlan, zmq, file and rotating_file.</summary>
public static class CpworkerOutputs
{
    /// <summary>
    /// Lets configurations name cpworker's own outputs: <c>gre</c>, <c>vxlan</c>, <c>zmq</c>,
    /// <c>file</c> and <c>rotating_file</c> (behaviour and wire formats as the daemon's).
    /// </summary>
    public static CpworkerEngineOptions AddStandardOutputs(this CpworkerEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (Engine.Outputs.OutputType type in StandardOutputs.Types())
        {
            options.AddOutputType(type);
        }

        return options;
    }
}
