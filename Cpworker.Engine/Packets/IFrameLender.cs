namespace Cpworker.Engine.Packets;

/// <summary>
/// Memory that a source lends to batches instead of copying frames out of it (the blocks of a
/// capture ring): a batch that describes frames in a block holds that block until the batch is
/// reset or returned to its pool, then gives it back here.
/// </summary>
/// <remarks>
/// <see cref="Release"/> is called by the batch's owner at that moment: the capture thread under
/// rtc, the encapsulation thread under the pipeline. Implementations are thread-safe.
/// </remarks>
internal interface IFrameLender
{
    /// <summary>One batch no longer needs block <paramref name="block"/>.</summary>
    void Release(int block);
}
