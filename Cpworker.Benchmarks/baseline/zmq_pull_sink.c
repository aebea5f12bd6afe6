/*
 * A libzmq PULL receiver for the benchmark harness: takes every message as fast as libzmq hands
 * them over (no copy out of the message), sums the batches' record counts (bytes 2-3 of the
 * cpworker batch header, big-endian) and times the first and last message with CLOCK_MONOTONIC.
 *
 * Prints the port it bound on 127.0.0.1 (a free one, or argv[1]), then answers one-letter commands on stdin:
 *   r  -> zero the counts, prints "reset"
 *   s  -> prints "stats MESSAGES RECORDS BYTES FIRST_NS LAST_NS"
 * and exits at the end of stdin.
 *
 * gcc -O2 -o zmq_pull_sink zmq_pull_sink.c -lzmq
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    void *ctx = zmq_ctx_new();
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    int hwm = 10000;
    zmq_setsockopt(pull, ZMQ_RCVHWM, &hwm, sizeof hwm);
    char bind_to[64];
    snprintf(bind_to, sizeof bind_to, "tcp://127.0.0.1:%s", argc > 1 ? argv[1] : "*");
    if (zmq_bind(pull, bind_to) != 0) {
        fprintf(stderr, "bind: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }

    char endpoint[256];
    size_t len = sizeof endpoint;
    zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &len);
    const char *colon = strrchr(endpoint, ':');
    printf("%s\n", colon ? colon + 1 : "0");
    fflush(stdout);

    uint64_t messages = 0, records = 0, bytes = 0, first = 0, last = 0;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    zmq_pollitem_t items[2] = {
        { pull, 0, ZMQ_POLLIN, 0 },
        { NULL, STDIN_FILENO, ZMQ_POLLIN | ZMQ_POLLERR, 0 },
    };

    for (;;) {
        if (zmq_poll(items, 2, 1000) < 0) {
            if (zmq_errno() == EINTR)
                continue;
            break;
        }

        if (items[0].revents & ZMQ_POLLIN) {
            while (zmq_msg_recv(&msg, pull, ZMQ_DONTWAIT) >= 0) {
                uint64_t t = now_ns();
                size_t size = zmq_msg_size(&msg);
                const unsigned char *d = zmq_msg_data(&msg);
                if (messages == 0)
                    first = t;
                last = t;
                messages++;
                bytes += size;
                if (size >= 4)
                    records += ((unsigned)d[2] << 8) | d[3];
            }
        }

        if (items[1].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) { /* a closed stdin reports an error */
            char cmd[64];
            ssize_t n = read(STDIN_FILENO, cmd, sizeof cmd);
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n; i++) {
                if (cmd[i] == 'r') {
                    messages = records = bytes = first = last = 0;
                    printf("reset\n");
                } else if (cmd[i] == 's') {
                    printf("stats %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
                           messages, records, bytes, first, last);
                }
            }
            fflush(stdout);
        }
    }

    zmq_msg_close(&msg);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    return 0;
}
