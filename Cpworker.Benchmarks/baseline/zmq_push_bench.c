/*
 * What libzmq itself does over this loopback with cpworker's ZMQ batches: reads a pcap file,
 * builds every batch in memory before the clock starts (24-byte header, then per packet the
 * 18-byte record header and the frame plus the 4-byte tag: the sizes of docs/wire-formats.md,
 * "ZeroMQ"; at most 1 MiB and 65535 records per batch), then sends them without copying
 * (zmq_msg_init_data) on a PUSH socket connected to 127.0.0.1:PORT with a send high-water mark
 * of 8, and waits until libzmq has written them all (zmq_ctx_term with the default linger).
 *
 * Prints: messages=N records=R bytes=B seconds=S cpu=C
 * gcc -O2 -o zmq_push_bench zmq_push_bench.c -lzmq
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define MAX_MESSAGE (1024 * 1024)
#define MAX_RECORDS 65535

static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s CAPTURE.pcap PORT\n", argv[0]);
        return 2;
    }

    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }

    unsigned char global[24], rec[16];
    if (fread(global, 1, 24, f) != 24) {
        fprintf(stderr, "short pcap header\n");
        return 1;
    }

    size_t cap = 64, count = 0;
    unsigned char **messages = malloc(cap * sizeof *messages);
    size_t *sizes = malloc(cap * sizeof *sizes);
    unsigned char *cur = NULL;
    size_t len = 0;
    unsigned records = 0;
    uint64_t total_records = 0, total_bytes = 0;
    static unsigned char frame[262144];
    for (;;) {
        int end = fread(rec, 1, 16, f) != 16;
        uint32_t caplen = 0;
        if (!end) {
            memcpy(&caplen, rec + 8, 4);
            if (caplen > sizeof frame || fread(frame, 1, caplen, f) != caplen)
                end = 1;
        }

        size_t need = 18 + (size_t)caplen + 4;
        if (cur && (end || len + need > MAX_MESSAGE || records == MAX_RECORDS)) {
            cur[2] = records >> 8;
            cur[3] = records & 0xff;
            if (count == cap) {
                cap *= 2;
                messages = realloc(messages, cap * sizeof *messages);
                sizes = realloc(sizes, cap * sizeof *sizes);
            }
            messages[count] = cur;
            sizes[count++] = len;
            total_records += records;
            total_bytes += len;
            cur = NULL;
        }

        if (end)
            break;
        if (!cur) {
            cur = malloc(MAX_MESSAGE);
            memset(cur, 0, 24);
            cur[1] = 2;
            memset(cur + 4, 0xff, 4);
            len = 24;
            records = 0;
        }

        unsigned char *r = cur + len;
        memset(r, 0, 18);
        r[0] = (caplen + 4) >> 8;
        r[1] = (caplen + 4) & 0xff;
        memcpy(r + 18, frame, caplen);
        memset(r + 18 + caplen, 0, 4);
        len += need;
        records++;
    }
    fclose(f);

    void *ctx = zmq_ctx_new();
    void *push = zmq_socket(ctx, ZMQ_PUSH);
    int hwm = 8;
    zmq_setsockopt(push, ZMQ_SNDHWM, &hwm, sizeof hwm);
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%s", argv[2]);
    if (zmq_connect(push, endpoint) != 0) {
        fprintf(stderr, "connect: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }

    double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < count; i++) {
        zmq_msg_t m;
        zmq_msg_init_data(&m, messages[i], sizes[i], NULL, NULL);
        if (zmq_msg_send(&m, push, 0) < 0) {
            fprintf(stderr, "send: %s\n", zmq_strerror(zmq_errno()));
            return 1;
        }
    }
    zmq_close(push);
    zmq_ctx_term(ctx); /* returns once every message has been written */
    double t1 = seconds(CLOCK_MONOTONIC), c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);

    printf("messages=%zu records=%llu bytes=%llu seconds=%.6f cpu=%.6f\n", count,
           (unsigned long long)total_records, (unsigned long long)total_bytes, t1 - t0, c1 - c0);
    return 0;
}
