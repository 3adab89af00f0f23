/* SPDX-License-Identifier: MIT */
/* The ceiling for password sign-in: argon2id verifications per second on N threads at the
 * server's own cost parameters (libsodium crypto_pwhash_str_verify, exactly the work of one
 * password step). bench/signin.sh runs it next to the server and divides.
 * usage: argon2_rate THREADS OPSLIMIT MEMLIMIT_BYTES SECONDS
 * prints: threads=2 opslimit=2 memlimit=19922944 verifies=600 seconds=10.03 per_s=59.82 */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64

static const char pw[] = "Kumo-sora-7RxQ2vLp-hikari";
static char encoded[crypto_pwhash_STRBYTES];
static double deadline;

struct worker {
	pthread_t t;
	long n;       /* verifications completed */
	double end;   /* when the last one completed */
	int failures; /* verifications that did not match (must stay 0) */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	do {
		if (crypto_pwhash_str_verify(encoded, pw, strlen(pw)) != 0)
			w->failures++;
		w->n++;
		w->end = now_s();
	} while (w->end < deadline);
	return NULL;
}

/* Whole decimal number in [min, max], or -1. */
static long long parse_num(const char *s, long long min, long long max)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s THREADS OPSLIMIT MEMLIMIT_BYTES SECONDS\n", argv[0]);
		return 2;
	}
	long long nt = parse_num(argv[1], 1, MAX_THREADS), ops = parse_num(argv[2], 1, 1000),
	          mem = parse_num(argv[3], 8192, 1LL << 40), secs = parse_num(argv[4], 1, 3600);
	if (nt < 0 || ops < 0 || mem < 0 || secs < 0) {
		fprintf(stderr, "argon2_rate: bad argument\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	/* crypto_pwhash_str makes argon2id (v=19) hashes, as the server's password_hash does. */
	if (crypto_pwhash_str(encoded, pw, strlen(pw), (unsigned long long)ops, (size_t)mem) != 0) {
		fprintf(stderr, "argon2_rate: crypto_pwhash_str failed (memory?)\n");
		return 1;
	}
	static struct worker w[MAX_THREADS];
	double t0 = now_s();
	deadline = t0 + (double)secs;
	for (long long i = 0; i < nt; i++)
		if (pthread_create(&w[i].t, NULL, run, &w[i]) != 0) {
			fprintf(stderr, "argon2_rate: cannot start a thread\n");
			return 1;
		}
	long total = 0;
	int failures = 0;
	double rate = 0, last = t0;
	for (long long i = 0; i < nt; i++) {
		pthread_join(w[i].t, NULL);
		total += w[i].n;
		failures += w[i].failures;
		/* Each thread's own rate over its own span: the last verification of each ends a
		 * little after the deadline, at a different moment per thread. */
		rate += (double)w[i].n / (w[i].end - t0);
		if (w[i].end > last)
			last = w[i].end;
	}
	printf("threads=%lld opslimit=%lld memlimit=%lld verifies=%ld seconds=%.2f per_s=%.2f "
	       "failures=%d\n",
	       nt, ops, mem, total, last - t0, rate, failures);
	return failures ? 1 : 0;
}
