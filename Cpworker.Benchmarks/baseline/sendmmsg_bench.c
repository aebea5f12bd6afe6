/*
 * The kernel's limit for the datagram outputs: sends every frame of a pcap file once, each
 * behind the output's 8-byte header (VXLAN over UDP, or GRE with a key over a raw protocol-47
 * socket), to 127.0.0.1 (or ADDRESS) with sendmmsg, BATCH datagrams per call. Every datagram is
 * built, contiguous, before the clock starts: the timed loop only fills message headers and sends.
 *
 *   sendmmsg_bench udp|gre PCAP PORT [BATCH [ADDRESS]]
 *
 * Prints: packets=N bytes=B seconds=T cpu=C errors=E (time and CPU of the send loop only).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s udp|gre PCAP PORT [BATCH [ADDRESS]]\n", argv[0]);
        return 2;
    }
    int gre = strcmp(argv[1], "gre") == 0;
    int port = atoi(argv[3]);
    int batch = argc > 4 ? atoi(argv[4]) : 64;
    if (batch < 1 || batch > 1024) batch = 64;

    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) { perror(argv[2]); return 1; }
    struct stat st;
    fstat(fd, &st);
    const uint8_t *file = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (file == MAP_FAILED) { perror("mmap"); return 1; }
    uint32_t magic;
    memcpy(&magic, file, 4);
    if (magic != 0xA1B2C3D4u && magic != 0xA1B23C4Du) { fprintf(stderr, "%s: not a little-endian pcap file\n", argv[2]); return 1; }

    /* Index the records first: the loop below only sends. */
    size_t cap = 1 << 20, n = 0;
    const uint8_t **frames = malloc(cap * sizeof *frames);
    uint32_t *lengths = malloc(cap * sizeof *lengths);
    long long bytes = 0;
    for (off_t off = 24; off + 16 <= st.st_size;) {
        uint32_t caplen;
        memcpy(&caplen, file + off + 8, 4);
        if (off + 16 + caplen > (uint64_t)st.st_size) break;
        if (n == cap) {
            cap *= 2;
            frames = realloc(frames, cap * sizeof *frames);
            lengths = realloc(lengths, cap * sizeof *lengths);
        }
        frames[n] = file + off + 16;
        lengths[n] = caplen;
        bytes += caplen;
        n++;
        off += 16 + caplen;
    }

    int s = gre ? socket(AF_INET, SOCK_RAW, 47) : socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) { perror("socket"); return 1; }
    if (gre) {
        /* As the daemon does: the raw socket also receives every GRE packet (its own, on
         * loopback); a filter that accepts nothing drops them before they are queued. */
        struct sock_filter reject = BPF_STMT(BPF_RET | BPF_K, 0);
        struct sock_fprog program = { .len = 1, .filter = &reject };
        setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
    }
    int sndbuf = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = gre ? 0 : htons(port) };
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (argc > 5 && inet_pton(AF_INET, argv[5], &dst.sin_addr) != 1) { fprintf(stderr, "%s: not an IPv4 address\n", argv[5]); return 2; }

    /* GRE: K bit, TEB, key all ones. VXLAN: I flag, VNI 1. */
    static const uint8_t gre_header[8] = { 0x20, 0x00, 0x65, 0x58, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t vxlan_header[8] = { 0x08, 0, 0, 0, 0, 0, 0x01, 0 };
    const uint8_t *header = gre ? gre_header : vxlan_header;

    /* Build every datagram (header + frame) contiguously, outside the timed loop. */
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += 8 + lengths[i];
    uint8_t *datagrams = malloc(total);
    uint8_t **starts = malloc(n * sizeof *starts);
    for (size_t i = 0, off = 0; i < n; i++) {
        starts[i] = datagrams + off;
        memcpy(datagrams + off, header, 8);
        memcpy(datagrams + off + 8, frames[i], lengths[i]);
        off += 8 + lengths[i];
    }

    struct mmsghdr *msgs = calloc(batch, sizeof *msgs);
    struct iovec *iov = calloc(batch, sizeof *iov);
    long long errors = 0;
    double t0 = now(), c0 = cpu();
    for (size_t i = 0; i < n;) {
        int k = (int)(n - i < (size_t)batch ? n - i : (size_t)batch);
        for (int j = 0; j < k; j++) {
            iov[j].iov_base = starts[i + j];
            iov[j].iov_len = 8 + lengths[i + j];
            msgs[j].msg_hdr.msg_name = &dst;
            msgs[j].msg_hdr.msg_namelen = sizeof dst;
            msgs[j].msg_hdr.msg_iov = &iov[j];
            msgs[j].msg_hdr.msg_iovlen = 1;
        }
        int sent = 0;
        while (sent < k) {
            int r = sendmmsg(s, msgs + sent, k - sent, 0);
            if (r < 0) {
                if (errno == EINTR) continue;
                errors++;          /* as the daemon does: count the datagram as lost, go on */
                sent++;
                continue;
            }
            sent += r;
        }
        i += k;
    }
    double t1 = now(), c1 = cpu();
    printf("packets=%zu bytes=%lld seconds=%.6f cpu=%.6f errors=%lld\n", n, bytes, t1 - t0, c1 - c0, errors);
    return 0;
}
