using Cpworker.Engine.Capture.Namespaces;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>
/// What both readers of a live interface share (libpcap's handle and our own ring,
/// docs/architecture.md, "Live capture readers"): the task's capturer settings, the namespace the
/// capture was opened in, and a fanout member's filter held back until every member has joined.
/// </summary>
/// <remarks>Owned by the task's capture thread, like the readers; <see cref="EnteredNetns"/> is read by any thread.</remarks>
internal abstract class InterfaceCaptureSource : PacketSource
{
    /// <summary>A filter no packet passes (every frame is longer than 0 bytes).</summary>
    protected const string RejectAll = "less 0";

    /// <summary>See <see cref="EnteredNetns"/>.</summary>
    private ResolvedNetns? _enteredNetns;

    /// <summary>The real filter of a fanout member, installed by <see cref="BeginDelivery"/>; until then it rejects everything.</summary>
    private string? _deferredFilter;

    /// <summary>True while a fanout member still rejects everything (between <c>Open</c> and <see cref="BeginDelivery"/>).</summary>
    private bool _deliveryDeferred;

    /// <summary>Keeps the task's settings; nothing is opened here.</summary>
    protected InterfaceCaptureSource(LibpcapCaptureConfig config) => Config = config;

    /// <summary>The namespace the capture was opened in (null: ours); set by <c>Open</c>, read by any thread.</summary>
    internal ResolvedNetns? EnteredNetns => Volatile.Read(ref _enteredNetns);

    /// <summary>The task's capturer settings.</summary>
    protected LibpcapCaptureConfig Config { get; }

    /// <summary>The interface, with its namespace when there is one: for messages.</summary>
    protected string Where => Config.NetnsReference is null ? Config.Interface : $"{Config.Interface} (netns {Config.NetnsReference})";

    /// <summary>True while the handle or socket is open (between <c>Open</c> and <c>Dispose</c>).</summary>
    protected abstract bool IsOpen { get; }

    /// <summary>
    /// A fanout member starts delivering: its real filter replaces the one that rejects everything.
    /// The task opens every member first, then calls this on each: a handle that delivered while
    /// not yet in the group would see every flow, and its packets would arrive twice.
    /// </summary>
    public override void BeginDelivery()
    {
        if (_deliveryDeferred)
        {
            ApplyFilter(_deferredFilter);
            _deliveryDeferred = false;
        }
    }

    /// <summary>
    /// Installs <paramref name="filter"/>, the complete filter (user <c>bpf</c> with <c>nic.</c>
    /// names resolved, and the loop guard: <see cref="CaptureFilter.Compose"/>); null captures
    /// everything. The capture stays open, so no packet is lost. Throws
    /// <see cref="CaptureException"/> (and keeps the old filter) when it does not compile. A fanout
    /// member that does not deliver yet keeps it for <see cref="BeginDelivery"/>.
    /// </summary>
    public sealed override void SetFilter(string? filter)
    {
        ObjectDisposedException.ThrowIf(!IsOpen, this);
        if (_deliveryDeferred)
        {
            _deferredFilter = filter;
            return;
        }

        ApplyFilter(filter);
        OnFilterReplaced();
    }

    /// <inheritdoc/>
    public override string? CheckNamespace() =>
        Config.NetnsReference is { } reference && EnteredNetns is { } entered ? NetnsWatch.Check(reference, entered) : null;

    /// <inheritdoc/>
    public override InterfaceInfo? ResolveInterface(string name)
    {
        // The namespace the capture is in, not a fresh resolution: a restarted pod must not split
        // one capture between two namespaces.
        using (NetworkNamespace.Enter(EnteredNetns is { } entered ? new NetnsReference(NetnsReferenceKind.Path, entered.Path) : Config.NetnsReference))
        {
            return InterfaceResolver.Find(name);
        }
    }

    /// <summary>Compiles and attaches <paramref name="filter"/> now (see <see cref="SetFilter"/>).</summary>
    protected abstract void ApplyFilter(string? filter);

    /// <summary>After <see cref="SetFilter"/> replaced the filter of a delivering capture.</summary>
    protected virtual void OnFilterReplaced()
    {
    }

    /// <summary>Called by <c>Open</c> inside the namespace it entered.</summary>
    protected void RecordEnteredNetns(ResolvedNetns? entered) => Volatile.Write(ref _enteredNetns, entered);

    /// <summary>A fanout member has joined its group: it rejects everything until <see cref="BeginDelivery"/> installs <paramref name="filter"/>.</summary>
    protected void DeferDelivery(string? filter)
    {
        _deferredFilter = filter;
        _deliveryDeferred = true;
    }
}
