using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Scheduling;

/// <summary>The capture threads beyond the first, and the locks that let them share the outputs.</summary>
internal sealed partial class RtcScheduler
{
    /// <summary>One lock per output when several capture threads share the outputs; null with one thread (no locking at all).</summary>
    private Lock[]? _gates;

    private static Lock[] CreateGates(int outputs)
    {
        var gates = new Lock[outputs];
        for (int i = 0; i < outputs; i++)
        {
            gates[i] = new Lock();
        }

        return gates;
    }

    /// <summary>A capture thread after the first: its loop; a failure ends the whole task. Owns <paramref name="batch"/> until it ends.</summary>
    private void RunOther(int thread, PacketBatch batch)
    {
        try
        {
            Loop(batch, thread);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            Pool!.Return(batch);
        }
    }

    /// <summary>Records the first failure of any capture thread and stops the others.</summary>
    private void Fail(Exception error)
    {
        Interlocked.CompareExchange(ref _error, error, null);
        if (Graph.CaptureThreads > 1)
        {
            RequestStop();
        }
    }

    /// <summary>First capture thread: waits for the others, so that the outputs are flushed and closed by one thread once nobody else uses them.</summary>
    private void JoinOthers(List<Thread> others)
    {
        if (others.Count == 0)
        {
            return;
        }

        if (!StopRequested)
        {
            RequestStop(); // the first thread ended without a stop: it failed
        }

        foreach (Thread t in others)
        {
            t.Join();
        }
    }

    /// <summary>First capture thread: the periodic work of every output, under its lock when outputs are shared.</summary>
    private void TickShared(OutputStage[] outputs, Lock[]? gates)
    {
        for (int i = 0; i < outputs.Length; i++)
        {
            if (gates is null)
            {
                TickOne(outputs[i]);
            }
            else
            {
                lock (gates[i])
                {
                    TickOne(outputs[i]);
                }
            }
        }
    }

    private void TickOne(OutputStage output)
    {
        output.Tick();
        if (!output.Parts.Isolated)
        {
            TickTransport(output); // an isolated transport belongs to its sender thread
        }
    }
}
