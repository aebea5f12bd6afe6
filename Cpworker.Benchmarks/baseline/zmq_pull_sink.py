# A python3-zmq (libzmq) PULL receiver for the benchmark harness, as a Python collector would be:
# takes every message (no copy out of it), sums the batches' record counts (bytes 2-3 of the
# cpworker batch header, big-endian) and times the first and last message.
# Prints the port it bound on 127.0.0.1, then answers one-letter commands on stdin, like
# zmq_pull_sink.c: r -> zero the counts ("reset"); s -> "stats MESSAGES RECORDS BYTES FIRST_NS LAST_NS".
# Exits at the end of stdin.
import os, sys, time, zmq

ctx = zmq.Context()
s = ctx.socket(zmq.PULL)
s.setsockopt(zmq.RCVHWM, 10000)
print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
poller = zmq.Poller()
poller.register(s, zmq.POLLIN)
poller.register(0, zmq.POLLIN)
messages = records = nbytes = first = last = 0
while True:
    events = dict(poller.poll(1000))
    if s in events:
        while True:
            try:
                m = s.recv(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                break
            t = time.monotonic_ns()
            b = m.buffer
            if messages == 0:
                first = t
            last = t
            messages += 1
            nbytes += len(b)
            if len(b) >= 4:
                records += (b[2] << 8) | b[3]
    if 0 in events:
        cmd = os.read(0, 64)
        if not cmd:
            break
        for c in cmd.decode("ascii", "replace"):
            if c == "r":
                messages = records = nbytes = first = last = 0
                print("reset")
            elif c == "s":
                print("stats", messages, records, nbytes, first, last)
        sys.stdout.flush()
