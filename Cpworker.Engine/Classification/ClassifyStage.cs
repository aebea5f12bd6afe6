using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Classification;

/// <summary>Sets the direction of every packet of a batch with the task's classifier.</summary>
internal sealed class ClassifyStage
{
    private readonly IDirectionClassifier _classifier;

    /// <summary>Creates the stage around a classifier.</summary>
    public ClassifyStage(IDirectionClassifier classifier) => _classifier = classifier;

    /// <summary>Classifies every packet in place. The batch stays the caller's.</summary>
    public void Process(PacketBatch batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            batch[i].Direction = _classifier.Classify(batch.Frame(i));
        }
    }
}
