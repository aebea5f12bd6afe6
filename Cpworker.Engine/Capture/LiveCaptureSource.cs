using System.Runtime.InteropServices;
using Cpworker.Engine.Capture.Namespaces;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Interop;
using Microsoft.Extensions.Logging;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Live capture on an interface through libpcap (SharpPcap): a non-blocking handle polled on its
/// selectable descriptor, frames read with <c>GetNextPacketPointers</c> and copied once into the
/// batch.
/// </summary>
/// <remarks>
/// Owned by the task's capture thread: every member is called on it. <see cref="Open"/> and
/// <see cref="InterfaceCaptureSource.ResolveInterface"/> enter the task's <c>netns</c> on that thread and leave it before
/// returning; the open handle stays bound to the namespace it was opened in.
/// </remarks>
internal sealed unsafe partial class LiveCaptureSource : InterfaceCaptureSource
{
    /// <summary>BPF matching every output's traffic; null when the loop guard is off.</summary>
    private readonly string? _loopGuard;

    private readonly ILogger _logger;

    /// <summary>Task name, for log lines.</summary>
    private readonly string _task;

    /// <summary>The open device; null before <see cref="Open"/> and after <see cref="Dispose"/>.</summary>
    private LibPcapLiveDevice? _device;

    /// <summary>The device's <c>pcap_t*</c>; valid while <see cref="_device"/> is open.</summary>
    private nint _pcap;

    /// <summary>Selectable descriptor of the handle, for <c>poll</c>.</summary>
    private int _fd = -1;

    /// <summary>The handle's link type (DLT).</summary>
    private int _linkType;

    /// <summary>True when timestamps come in nanoseconds.</summary>
    private bool _nanoseconds;

    /// <summary>Largest frame libpcap hands over (the handle's snapshot length).</summary>
    private int _snaplen;

    /// <summary>The fanout group this handle joins at open (<c>threads</c> &gt; 1); null for a lone handle.</summary>
    private readonly FanoutGroup? _fanout;

    private int _maxFrameLength;
    private WrappingCounter _dropped;
    private WrappingCounter _interfaceDropped;

    /// <summary>Creates the source; nothing is opened until <see cref="Open"/>.</summary>
    /// <remarks>
    /// With <paramref name="fanout"/>, the handle joins that group at <see cref="Open"/> and delivers
    /// nothing until <see cref="InterfaceCaptureSource.BeginDelivery"/>: see there.
    /// </remarks>
    public LiveCaptureSource(LibpcapCaptureConfig config, string? loopGuard, ILogger logger, string taskName, FanoutGroup? fanout = null)
        : base(config)
    {
        _fanout = fanout;
        _loopGuard = loopGuard;
        _logger = logger;
        _task = taskName;
    }

    /// <inheritdoc/>
    public override int MaxFrameLength => _maxFrameLength;

    /// <summary>Link type of the open handle (DLT); for tests.</summary>
    internal int LinkType => _linkType;

    /// <summary>True when the handle delivers nanosecond timestamps; for tests.</summary>
    internal bool NanosecondTimestamps => _nanoseconds;

    /// <inheritdoc/>
    protected override bool IsOpen => _device is not null;

    /// <inheritdoc/>
    public override void Open()
    {
        if (_device is not null)
        {
            throw new InvalidOperationException("the capture is already open");
        }

        LibPcapLiveDevice? device = null;
        try
        {
            using (NetworkNamespace ns = NetworkNamespace.Enter(Config.NetnsReference))
            {
                RecordEnteredNetns(ns.Entered);
                // Already inside the namespace: resolve directly rather than re-entering it.
                string? filter = CaptureFilter.Compose(Config.Bpf, _loopGuard, InterfaceResolver.Find);
                device = FindDevice();
                OpenDevice(device);
                _device = device;
                _pcap = device.Handle.DangerousGetHandle();
                _linkType = LibPcap.Datalink(_pcap);
                if (!LinkTypeNormalizer.IsSupported(_linkType))
                {
                    throw new CaptureException($"cannot capture on {Where}: link type {_linkType} is not supported");
                }

                _snaplen = Math.Max(Config.Snaplen, LibPcap.Snapshot(_pcap));
                _maxFrameLength = _snaplen + (_linkType == LinkTypeNormalizer.Ethernet ? 0 : LinkTypeNormalizer.MaxGrowth);
                _nanoseconds = device.TimestampResolution == TimestampResolution.Nanosecond;
                ApplyFilter(_fanout is null ? filter : RejectAll);
                SetNonBlocking();
                _fd = LibPcap.GetSelectableFd(_pcap);
                if (_fd < 0)
                {
                    throw new CaptureException($"cannot capture on {Where}: the handle has no selectable descriptor");
                }

                if (_fanout is not null)
                {
                    JoinFanout(filter);
                }

                CaptureLog.LiveOpened(_logger, _task, Where, _linkType, _snaplen, _nanoseconds ? "nanosecond" : "microsecond", filter ?? "none");
            }
        }
        catch
        {
            Close(device);
            _device = null;
            _pcap = 0;
            throw;
        }
    }

    /// <inheritdoc/>
    public override KernelCaptureStats ReadKernelStats()
    {
        if (_device is null)
        {
            return default;
        }

        LibPcap.PcapStat stat;
        if (LibPcap.Stats(_pcap, &stat) != 0)
        {
            throw new CaptureException($"pcap_stats on {Where} failed: {LibPcap.GetError(_pcap)}");
        }

        return new KernelCaptureStats(_dropped.Update(stat.Dropped), _interfaceDropped.Update(stat.InterfaceDropped));
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        Close(_device);
        _device = null;
        _pcap = 0;
        _fd = -1;
        base.Dispose();
    }

    private LibPcapLiveDevice FindDevice()
    {
        // New(), not Instance: Instance is cached process-wide in whichever namespace built it first.
        foreach (LibPcapLiveDevice d in LibPcapLiveDeviceList.New())
        {
            if (d.Name == Config.Interface)
            {
                return d;
            }
        }

        string ns = Config.NetnsReference is null ? "" : $" in netns {Config.NetnsReference}";
        throw new CaptureException($"cannot capture on {Config.Interface}: no such interface{ns}");
    }

    private void OpenDevice(LibPcapLiveDevice device)
    {
        var settings = new DeviceConfiguration
        {
            Mode = DeviceModes.None, // promisc off, as the C implementation
            Snaplen = Config.Snaplen,
            BufferSize = checked(Config.BufferSizeMb * 1024 * 1024),
            ReadTimeout = Config.TimeoutMs,
            Immediate = Config.TimeoutMs == 0,
            TimestampResolution = TimestampResolution.Nanosecond,
        };
        string? failure = null;
        settings.ConfigurationFailed += (_, e) =>
        {
            // Nanoseconds are a wish: without them the handle stays in microseconds.
            if (e.Property != nameof(DeviceConfiguration.TimestampResolution))
            {
                failure ??= $"{e.Property}: {e.Message}";
            }
        };

        try
        {
            device.Open(settings);
        }
        catch (Exception ex) when (ex is PcapException or PlatformNotSupportedException)
        {
            string detail = device.Opened ? LibPcap.GetError(device.Handle.DangerousGetHandle()) : "";
            throw new CaptureException($"cannot open {Where}: {ex.Message}{(detail.Length > 0 ? " " + detail : "")}", ex);
        }

        if (failure is not null)
        {
            throw new CaptureException($"cannot open {Where}: {failure}");
        }
    }

    /// <inheritdoc/>
    /// <remarks>libpcap also filters the frames already in its ring with the new program.</remarks>
    protected override void ApplyFilter(string? filter)
    {
        LibPcap.BpfProgram program = default;
        string? error = OfflineBpfFilter.CompileOn(_pcap, filter ?? "", &program);
        if (error is not null)
        {
            // The configured expression itself is broken (not an address looked up now): no retry can fix it.
            bool permanent = Config.Bpf is not null && BpfCompiler.Check(Config.Bpf, Config.Snaplen) is not null;
            throw new CaptureException($"cannot compile the filter for {Where} ({filter}): {error}", permanent);
        }

        int rc = LibPcap.SetFilter(_pcap, &program);
        LibPcap.FreeCode(&program);
        if (rc != 0)
        {
            throw new CaptureException($"cannot set the filter on {Where}: {LibPcap.GetError(_pcap)}");
        }
    }

    private void SetNonBlocking()
    {
        byte* errors = stackalloc byte[LibPcap.ErrorBufferSize];
        errors[0] = 0;
        if (LibPcap.SetNonBlock(_pcap, true, errors) != 0)
        {
            throw new CaptureException($"cannot make the handle on {Where} non-blocking: {LibPcap.ErrorText(errors)}");
        }
    }

    private static void Close(LibPcapLiveDevice? device)
    {
        try
        {
            device?.Close();
        }
        catch (Exception ex) when (ex is PcapException or ObjectDisposedException or ExternalException)
        {
            // Closing a handle whose interface vanished must not mask the error that got us here.
        }
    }
}
