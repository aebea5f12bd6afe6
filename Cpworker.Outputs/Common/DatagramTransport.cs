using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Cpworker.Engine.Logging;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace Cpworker.Outputs.Common;

/// <summary>
/// Sends the datagrams of a <see cref="SendBuffer"/> (GRE, VXLAN) with <c>sendmmsg</c>, as many per
/// system call as the kernel takes. Never sleeps: a datagram the kernel refuses (<c>ENOBUFS</c>,
/// <c>EMSGSIZE</c>, <c>EAGAIN</c>, an ICMP-induced <c>ECONNREFUSED</c> …) is counted as an error
/// drop and sending carries on with the next one.
/// </summary>
/// <remarks>
/// The message headers and io vectors are allocated once, in native memory, and point into the
/// pinned buffer being sent; a send allocates nothing. Called from one thread at a time (the
/// output's sender thread, or the capture thread under rtc). A packet split into several datagrams
/// counts once: as an error when any of its datagrams failed, by the length recorded on its first
/// datagram (<see cref="SendBuffer.MessagePacketBytes"/>), also when its datagrams span two buffers.
/// </remarks>
internal unsafe class DatagramTransport : OutputTransport
{
    /// <summary>Retries of a call interrupted by a signal before its datagram counts as failed.</summary>
    private const int MaxInterruptRetries = 3;

    private readonly Socket? _socket;
    private readonly int _fd;
    private readonly int _maxMessages;
    private readonly OutputCounters.SenderSide _counters;
    private readonly ILogger _logger;
    private readonly LogThrottle _errorLog;
    private readonly string _displayName;

    /// <summary>One header per datagram slot, each pointing at its own <see cref="_iov"/> entry and at <see cref="_address"/>.</summary>
    private MMsgHdr* _messages;

    /// <summary>One io vector per datagram slot; rewritten for every buffer.</summary>
    private IoVec* _iov;

    /// <summary>The destination as a native sockaddr.</summary>
    private byte* _address;

    /// <summary>Sliced length of the packet the last datagram belonged to (it may continue in the next buffer).</summary>
    private int _openPacketBytes;

    /// <summary>True when that packet was already counted as an error drop.</summary>
    private bool _openPacketFailed;

    /// <summary>
    /// Creates the transport; it owns <paramref name="socket"/> from now on.
    /// <paramref name="maxMessages"/> must be at least the buffers' <see cref="SendBuffer.MaxMessages"/>.
    /// </summary>
    public DatagramTransport(Socket? socket, IPEndPoint destination, int maxMessages, OutputContext context)
    {
        _socket = socket;
        _fd = socket is null ? -1 : (int)socket.SafeHandle.DangerousGetHandle();
        _maxMessages = maxMessages;
        _counters = context.Counters.Sender;
        _logger = context.Logger;
        _errorLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        _displayName = context.DisplayName;
        Destination = destination;

        byte[] address = DatagramSockets.NativeAddress(destination);
        _address = (byte*)NativeMemory.AllocZeroed((nuint)address.Length);
        address.CopyTo(new Span<byte>(_address, address.Length));
        _messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)maxMessages, (nuint)sizeof(MMsgHdr));
        _iov = (IoVec*)NativeMemory.AllocZeroed((nuint)maxMessages, (nuint)sizeof(IoVec));
        for (int i = 0; i < maxMessages; i++)
        {
            _messages[i].Header.Name = _address;
            _messages[i].Header.NameLength = (uint)address.Length;
            _messages[i].Header.Iov = _iov + i;
            _messages[i].Header.IovLength = 1;
        }
    }

    /// <summary>Where the datagrams go.</summary>
    public IPEndPoint Destination { get; }

    /// <summary>The socket, for tests (local port, options).</summary>
    internal Socket? Socket => _socket;

    /// <inheritdoc/>
    public override void Send(SendBuffer buffer) => SendRange(buffer, 0, buffer.MessageCount);

    /// <summary>
    /// Sends the datagrams [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of
    /// <paramref name="buffer"/>, in order, with the same counting as <see cref="Send"/> (the fast path hands
    /// over what its ring cannot carry).
    /// </summary>
    internal void SendRange(SendBuffer buffer, int first, int count)
    {
        if (count <= 0 || _messages is null)
        {
            return;
        }

        if (count > _maxMessages)
        {
            throw new InvalidOperationException($"a buffer of {count} datagrams exceeds the transport's {_maxMessages}");
        }

        int[] offsets = buffer.MessageOffsets;
        int[] lengths = buffer.MessageLengths;
        byte* data = buffer.Pointer;
        for (int i = 0; i < count; i++)
        {
            _iov[i].Base = data + offsets[first + i];
            _iov[i].Length = (nuint)lengths[first + i];
        }

        int next = 0;
        int interrupts = 0;
        while (next < count)
        {
            int sent = SendBatch(_messages + next, count - next, out int errno);
            if (sent > 0)
            {
                Account(buffer, first + next, sent, failed: false);
                _counters.SocketDatagrams += sent;
                next += sent;
                interrupts = 0;
            }
            else if (errno == SocketInterop.EIntr && ++interrupts <= MaxInterruptRetries)
            {
                continue;
            }
            else if (errno is SocketInterop.EAgain or SocketInterop.ENoBufs)
            {
                // The socket or the device queue is full: every further datagram would be refused
                // the same way, one failing syscall each. Drop the rest of the buffer at once, counted.
                Account(buffer, first + next, count - next, failed: true);
                next = count;
                ReportFailure(errno);
            }
            else
            {
                // This datagram was refused (too big, ICMP error): the kernel sent none of the rest. Count it and go on.
                Account(buffer, first + next, 1, failed: true);
                next++;
                interrupts = 0;
                ReportFailure(errno);
            }
        }
    }

    /// <summary>
    /// Sends up to <paramref name="count"/> datagrams without blocking; the number sent, or -1 with
    /// <paramref name="errno"/> when the first was refused. A seam for tests that inject failures.
    /// </summary>
    protected virtual int SendBatch(MMsgHdr* messages, int count, out int errno)
    {
        int r = SocketInterop.SendMMsg(_fd, messages, (uint)count, SocketInterop.MsgDontWait);
        errno = r < 0 ? Marshal.GetLastPInvokeError() : 0;
        return r;
    }

    /// <summary>
    /// Updates the per-packet state over datagrams [first, first+count); counts failed packets once.
    /// The fast path calls it for the datagrams its ring carried or dropped, so that a packet split over
    /// both paths is still counted once.
    /// </summary>
    internal void Account(SendBuffer buffer, int first, int count, bool failed)
    {
        int[] packetBytes = buffer.MessagePacketBytes;
        for (int i = first; i < first + count; i++)
        {
            int bytes = packetBytes[i];
            if (bytes >= 0)
            {
                _openPacketBytes = bytes;
                _openPacketFailed = false;
            }

            if (failed)
            {
                _counters.FailedSends++;
                if (!_openPacketFailed)
                {
                    _openPacketFailed = true;
                    _counters.ErrorPackets++;
                    _counters.ErrorBytes += _openPacketBytes;
                }
            }
        }
    }

    private void ReportFailure(int errno)
    {
        if (_errorLog.ShouldLog())
        {
            _logger.LogWarning(
                "{Output}: sending to {Destination} failed: {Error}; the datagram is dropped ({Failed} failed datagrams so far)",
                _displayName,
                Destination,
                SocketInterop.ErrorText(errno),
                _counters.FailedSends);
        }
    }

    /// <inheritdoc/>
    public override void Close() => Dispose();

    /// <inheritdoc/>
    public override void Dispose()
    {
        _socket?.Dispose();
        if (_messages is not null)
        {
            NativeMemory.Free(_messages);
            NativeMemory.Free(_iov);
            NativeMemory.Free(_address);
            _messages = null;
            _iov = null;
            _address = null;
        }

        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
