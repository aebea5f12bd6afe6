namespace Cpworker.Host.Recv.Decoding;

/// <summary>One record read from a ZMQ batch: its kind, and the frame when it carries one.</summary>
internal readonly record struct ZmqRecord(ZmqRecordKind Kind, DecodedFrame Frame, DecodeStatus Status);
